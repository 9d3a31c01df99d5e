package dev.banger.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real disks in a temp state dir, read back with e2fsprogs. */
class StorageServiceTest {
    static final long MIB = 1 << 20;
    final ProcessRunner run = new ProcessRunner();
    @TempDir
    Path tmp;
    Path state;
    StoragePaths paths;
    StorageService storage;
    int owner;

    @BeforeEach
    void image() throws Exception {
        OwnerState home = OwnerState.create(tmp);
        state = home.state();
        paths = new StoragePaths(state);
        owner = home.owner().uid();
        storage = new StorageService(paths, run, CowBackend.SPARSE_COPY, home.owner(), tmp);
        Path stage = Files.createDirectories(tmp.resolve("stage/etc"));
        Files.writeString(stage.resolve("os-release"), "ID=debian\n");
        home.makeImage("img1", tmp.resolve("stage"));
    }

    @Test
    void rootDiskIsTheImageOwnedByTheUserAndReusedOnRestart() throws Exception {
        StorageService.Disk d = storage.createRootDisk("vm1", "img1", 512 * MIB);
        assertEquals(state.resolve("vms/vm1/root.ext4"), d.path());
        assertEquals("ID=debian\n", cat(d.path(), "/etc/os-release"));
        assertEquals(owner, Files.getAttribute(d.path(), "unix:uid"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.path())));

        Files.setLastModifiedTime(d.path(), java.nio.file.attribute.FileTime.fromMillis(1000));
        storage.createRootDisk("vm1", "img1", 512 * MIB);
        assertEquals(1000, Files.getLastModifiedTime(d.path()).toMillis(), "an existing root disk is kept");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void workDiskGrowsKeepsDataAndRefusesToShrink() throws Exception {
        StorageService.Disk d = storage.createWorkDisk("vm1", "img1", 64 * MIB);
        assertEquals(64 * MIB, Files.size(d.path()));
        assertEquals(64 * MIB, fsBytes(d.path()), "the filesystem fills the disk");

        Path note = Files.writeString(tmp.resolve("note"), "keep me");
        run.check("debugfs", "-w", "-R", "write " + note + " note", d.path().toString());
        storage.createWorkDisk("vm1", "img1", 128 * MIB);
        assertEquals(128 * MIB, fsBytes(d.path()));
        assertEquals("keep me", cat(d.path(), "/note"), "growing keeps what the guest wrote");

        assertThrows(IllegalStateException.class, () -> storage.createWorkDisk("vm1", "img1", 64 * MIB));
        assertEquals(128 * MIB, Files.size(d.path()));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void configDiskCarriesIdentityNetworkKeysAndSecrets() throws Exception {
        VmConfig.HostKey hostKey = hostKey();
        String hostKeyText = new String(hostKey.privateKey(), StandardCharsets.US_ASCII);
        VmConfig c = new VmConfig("vm1", "calm-otter", "172.16.0.5", "172.16.0.1", 24, List.of("172.16.0.1"),
                List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ banger@host"), "tok_0123456789abcdef",
                "Ada \"The\" Lovelace", "ada@example.org",
                Map.of("/root/.local/share/opencode/auth.json", "{\"k\":1}".getBytes(StandardCharsets.UTF_8)),
                hostKey);
        Path disk = storage.writeVmConfig(c).path();
        assertEquals("calm-otter\n", cat(disk, "/hostname"));
        assertEquals("BANGER_HOSTNAME=calm-otter\nBANGER_IP=172.16.0.5\nBANGER_PREFIX=24\nBANGER_GATEWAY=172.16.0.1\n"
                + "BANGER_DNS=172.16.0.1\n", cat(disk, "/banger.env"));
        assertTrue(cat(disk, "/hosts").contains("172.16.0.5 calm-otter.vm calm-otter\n"));
        assertEquals("[user]\n\tname = \"Ada \\\"The\\\" Lovelace\"\n\temail = \"ada@example.org\"\n",
                cat(disk, "/gitconfig"));
        assertEquals("0 /root/.local/share/opencode/auth.json\n", cat(disk, "/auth/MANIFEST"));
        assertEquals("{\"k\":1}", cat(disk, "/auth/0"));
        assertTrue(stat(disk, "/auth/0").contains("Mode:  0600"), stat(disk, "/auth/0"));
        assertTrue(stat(disk, "/agent-token").contains("Mode:  0600"));
        assertEquals(hostKeyText, cat(disk, "/ssh_host_ed25519_key"));
        assertTrue(stat(disk, "/ssh_host_ed25519_key").contains("Mode:  0600"));
        assertEquals(hostKey.publicLine() + "\n", cat(disk, "/ssh_host_ed25519_key.pub"));

        Path again = storage.writeVmConfig(new VmConfig("vm1", "calm-otter", "172.16.0.6", "172.16.0.1", 24,
                List.of(), List.of(), "tok_0123456789abcdef", "", "", Map.of(), null)).path();
        assertTrue(cat(again, "/banger.env").contains("BANGER_IP=172.16.0.6"), "rewritten for the next boot");
        assertEquals("", cat(again, "/auth/MANIFEST"));
        assertFalse(cat(again, "/").contains("gitconfig"), "no host git identity, no gitconfig");
        assertFalse(cat(again, "/").contains("ssh_host"), "no host key given: the guest makes its own");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void badConfigIsRefusedBeforeAnythingIsWritten() throws Exception {
        VmConfig.HostKey key = hostKey();
        VmConfig evil = new VmConfig("vm1", "calm-otter", "172.16.0.5", "172.16.0.1", 24, List.of(),
                List.of("ssh-ed25519 AAAA x\nroot::0:0::/:/bin/sh"), "tok_0123456789abcdef", "", "", Map.of(), null);
        assertThrows(IllegalArgumentException.class, () -> storage.writeVmConfig(evil));
        VmConfig escape = new VmConfig("vm1", "calm-otter", "172.16.0.5", "172.16.0.1", 24, List.of(), List.of(),
                "tok_0123456789abcdef", "", "", Map.of("/etc/shadow", new byte[1]), null);
        assertThrows(IllegalArgumentException.class, () -> storage.writeVmConfig(escape));
        VmConfig notAKey = new VmConfig("vm1", "calm-otter", "172.16.0.5", "172.16.0.1", 24, List.of(), List.of(),
                "tok_0123456789abcdef", "", "", Map.of(), new VmConfig.HostKey("#!/bin/sh\n".getBytes(), key.publicLine()));
        assertThrows(IllegalArgumentException.class, () -> storage.writeVmConfig(notAKey));
        VmConfig twoLines = new VmConfig("vm1", "calm-otter", "172.16.0.5", "172.16.0.1", 24, List.of(), List.of(),
                "tok_0123456789abcdef", "", "", Map.of(), new VmConfig.HostKey(key.privateKey(), key.publicLine() + "\nx"));
        assertThrows(IllegalArgumentException.class, () -> storage.writeVmConfig(twoLines));
        assertFalse(Files.exists(state.resolve("vms/vm1")), "nothing was created");
    }

    /** A throwaway host key, made the way the orchestrator makes one. */
    VmConfig.HostKey hostKey() throws Exception {
        Path key = tmp.resolve("hostkey-" + System.nanoTime());
        run.check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key.toString());
        return new VmConfig.HostKey(Files.readAllBytes(key), Files.readString(Path.of(key + ".pub")).strip());
    }

    @Test
    void leftoversOfAKillAreSweptAtStartAndDisksKept() throws Exception {
        StorageService.Disk d = storage.createWorkDisk("vm1", "img1", 32 * MIB);
        Path dir = d.path().getParent();
        run.check("setpriv", "--reuid=" + owner, "--regid=" + owner, "--clear-groups", "--", "truncate", "-s", "1M",
                dir.resolve(".work.ext4.tmp-dead").toString());
        storage.sweepLeftovers();
        assertEquals(List.of(), leftovers());
        assertTrue(Files.exists(d.path()));
    }

    @Test
    void releaseRemovesEverythingOnce() throws Exception {
        storage.createRootDisk("vm1", "img1", 512 * MIB);
        storage.createWorkDisk("vm1", "img1", 32 * MIB);
        assertEquals(2, storage.state().disks().size());
        assertTrue(storage.releaseVmDisks("vm1"));
        assertFalse(storage.releaseVmDisks("vm1"));
        assertFalse(Files.exists(state.resolve("vms/vm1")));
        assertEquals(List.of(), storage.state().disks());
    }

    private String cat(Path image, String path) {
        return run.check("debugfs", "-R", path.equals("/") ? "ls -l /" : "cat " + path, image.toString()).stdout();
    }

    private String stat(Path image, String path) {
        return run.check("debugfs", "-R", "stat " + path, image.toString()).stdout();
    }

    private long fsBytes(Path image) {
        String h = run.check("dumpe2fs", "-h", image.toString()).stdout();
        long blocks = Long.parseLong(h.replaceAll("(?s).*Block count:\\s+(\\d+).*", "$1"));
        long size = Long.parseLong(h.replaceAll("(?s).*Block size:\\s+(\\d+).*", "$1"));
        return blocks * size;
    }

    /** Temp or staging files left anywhere in the state dir. */
    private List<Path> leftovers() throws Exception {
        try (Stream<Path> all = Files.walk(state)) {
            return all.filter(p -> p.getFileName().toString().matches("\\..*(tmp|stage)-.*")).toList();
        }
    }
}
