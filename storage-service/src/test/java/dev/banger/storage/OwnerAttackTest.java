package dev.banger.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.storage.disk.CowBackend;
import dev.banger.storage.vmconfig.VmConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage service as system install runs it: as root, for owner uid 65534, whose
 * state dir this is, attacked by that owner (SEC-2, STO-4). While swapper loops flip
 * the owner's directories and files to symbolic links into a root-only directory, every
 * file RPC is called again and again for {@link #ATTACK_MILLIS}; afterwards the
 * root-only directory must be exactly as it was and no disk the owner can read may hold
 * a byte of root's secret.
 */
class OwnerAttackTest {
    static final long MIB = 1 << 20;
    static final long ATTACK_MILLIS = 10_000;
    static final String SECRET = "root-only-secret-7f3a";
    final ProcessRunner run = new ProcessRunner();
    @TempDir
    Path tmp;
    OwnerState home;
    Path state;
    Path victim;
    StorageService storage;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(ServiceHost.currentUid() == 0, "the attack needs root services and another uid");
        home = OwnerState.create(tmp);
        state = home.state();
        Path tree = Files.createDirectories(tmp.resolve("tree/etc"));
        Files.writeString(tree.resolve("os-release"), "ID=debian\n");
        home.makeImage("img1", tmp.resolve("tree"));
        victim = Files.createDirectories(tmp.resolve("victim"));
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(victim.resolve("secret"), SECRET.repeat(1000));
        Files.setPosixFilePermissions(victim.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
        Path precious = Files.createDirectories(victim.resolve("precious"));
        Files.writeString(precious.resolve("keep"), "keep me");
        run.check("mkfs.ext4", "-q", "-F", victim.resolve("disk.img").toString(), "32M");
        storage = new StorageService(new StoragePaths(state), run, CowBackend.SPARSE_COPY, home.owner(), tmp);
    }

    @Test
    void swappedDirectoriesAndFilesNeverPointRootOutsideTheOwnersReach() throws Exception {
        Map<String, String> before = snapshot(victim);
        // The owner's own VMs, so that every RPC has real work to do.
        storage.createRootDisk("vma", "img1", 512 * MIB);
        storage.createWorkDisk("vmb", "img1", 32 * MIB);
        home.asOwner().check("mkdir", "-p", state.resolve("vms/vmc/sub").toString());
        home.asOwner().check("touch", state.resolve("vms/vmc/sub/file").toString());
        Path vms = state.resolve("vms");
        List<Path> swapped = List.of(vms, vms.resolve("vma"), vms.resolve("vmb/work.ext4"),
                vms.resolve("vmc/sub"), state.resolve("images/img1/rootfs.ext4"),
                state.resolve("images/img1/work-seed.ext4"));
        List<Path> targets = List.of(victim, victim, victim.resolve("disk.img"), victim.resolve("precious"),
                victim.resolve("secret"), victim.resolve("disk.img"));
        // Names the service would make itself, planted in advance.
        home.asOwner().check("ln", "-sfn", victim.resolve("disk.img").toString(), vms.resolve(".reflink-probe").toString());
        home.asOwner().check("ln", "-sfn", victim.resolve("secret").toString(),
                vms.resolve(".reflink-probe-" + ProcessHandle.current().pid()).toString());
        home.asOwner().check("ln", "-sfn", victim.resolve("disk.img").toString(), vms.resolve("vma/root.cow").toString());

        AtomicInteger calls = new AtomicInteger();
        List<AutoCloseable> swappers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            for (int i = 0; i < swapped.size(); i++) {
                swappers.add(new Swapper(home.owner(), swapped.get(i), targets.get(i)));
            }
            long end = System.currentTimeMillis() + ATTACK_MILLIS;
            List<Future<?>> workers = new ArrayList<>();
            List<Runnable> rpcs = List.of(
                    () -> storage.createRootDisk("vma", "img1", 512 * MIB),
                    () -> storage.createWorkDisk("vmb", "img1", 48 * MIB),
                    () -> storage.writeVmConfig(config("vma")),
                    () -> storage.releaseVmDisks("vmc"),
                    () -> storage.fsck(vms.resolve("vmb/work.ext4").toString()),
                    () -> storage.state(),
                    () -> CowBackend.detect(run, home.asOwner(), vms));
            for (Runnable rpc : rpcs) {
                workers.add(pool.submit(() -> {
                    while (System.currentTimeMillis() < end) {
                        try {
                            rpc.run();
                        } catch (RuntimeException refusedOrRaced) {
                            // either outcome is fine; what matters is what it did to the victim
                        }
                        calls.incrementAndGet();
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            for (AutoCloseable s : swappers) {
                s.close();
            }
            pool.shutdownNow();
            for (Path p : swapped) {
                Swapper.restore(home.owner(), p);
            }
        }
        assertTrue(calls.get() > 50, "the attack made too few calls to mean anything: " + calls.get());
        assertEquals(before, snapshot(victim), "root touched the root-only directory");
        assertFalse(ownerReadableFilesContain(state, SECRET), "a disk the owner can read holds root's secret");
    }

    @Test
    void filesTheServiceMakesBelongToTheOwner() throws Exception {
        storage.createRootDisk("vm1", "img1", 512 * MIB);
        storage.createWorkDisk("vm1", "img1", 32 * MIB);
        storage.writeVmConfig(config("vm1"));
        try (Stream<Path> all = Files.walk(state.resolve("vms"))) {
            for (Path p : all.toList()) {
                assertEquals(home.owner().uid(), Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                        p + " is not the owner's");
            }
        }
        assertTrue(storage.releaseVmDisks("vm1"));
        assertFalse(Files.exists(state.resolve("vms/vm1")));
    }

    private static VmConfig config(String vm) {
        return new VmConfig(vm, "calm-otter", "172.16.0.5", "172.16.0.1", 24, List.of("172.16.0.1"),
                List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ banger@host"), "tok_0123456789abcdef", "", "",
                Map.of(), null);
    }

    /** Every entry under dir with its owner, mode and content digest. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String what = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
                        + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS) + " "
                        + Integer.toOctalString((int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    what += " " + dev.banger.common.fs.FileTrees.sha256(p);
                }
                out.put(dir.relativize(p).toString(), what);
            }
        }
        return out;
    }

    /** Whether any regular file in the owner's state dir (raw bytes, disk images included) contains needle. */
    private static boolean ownerReadableFilesContain(Path dir, String needle) throws Exception {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                byte[] b = Files.readAllBytes(p);
                outer:
                for (int i = 0; i + n.length <= b.length; i++) {
                    for (int j = 0; j < n.length; j++) {
                        if (b[i + j] != n[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }
}
