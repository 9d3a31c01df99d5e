package dev.banger.orchestrator.lifecycle;

import dev.banger.orchestrator.store.VmState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.ip.Ipv4Cidr;
import dev.banger.orchestrator.identity.HostIdentity;
import dev.banger.orchestrator.workspace.WorkspaceStore;
import dev.banger.orchestrator.workspace.Workspaces;
import dev.banger.orchestrator.ssh.GuestSsh;
import dev.banger.orchestrator.ssh.KnownHosts;
import dev.banger.orchestrator.ssh.SshKeys;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.SnapshotRecord;
import dev.banger.orchestrator.store.SnapshotStore;
import dev.banger.common.layout.VmDir;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.vm.VmsGrpcService;
import dev.banger.proto.api.v1.RefsRequest;
import dev.banger.proto.api.v1.RefsResponse;
import dev.banger.proto.common.v1.RefResult;
import dev.banger.orchestrator.vmm.FirecrackerKernels;
import dev.banger.orchestrator.vmm.Vmm;
import dev.banger.orchestrator.vmm.VmHandle;
import dev.banger.orchestrator.vmm.VmmSpec;
import dev.banger.orchestrator.vmm.Vmms;
import dev.banger.common.vmm.KvmSupport;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start pipeline against stand-ins for the services and the VMM (the real ones
 * run in the smoke suite): independent steps run at the same time, the host key is
 * known before boot, readiness is sshd's banner, and a failed step leaves the VM in
 * error with nothing launched and its network released.
 */
@QuarkusTest
class VmLifecycleTest {
    @Inject
    VmStore store;
    @Inject
    AgroalDataSource db;
    @Inject
    WorkspaceStore workspaceStore;
    @Inject
    SnapshotStore snapshots;
    @TempDir
    Path tmp;

    FakeInfra infra;
    FakeVmm vmm;
    KnownHosts known;
    VmLifecycle lifecycle;

    @BeforeEach
    void setUp() throws IOException {
        infra = new FakeInfra();
        vmm = new FakeVmm();
        SshKeys keys = new SshKeys(tmp, new ProcessRunner());
        known = new KnownHosts(keys.knownHosts());
        Vmms vmms = new Vmms("qemu", false, new KvmSupport(false, "test"), new FirecrackerKernels(), vmm, new FakeVmm() {
            @Override
            public String name() {
                return "firecracker";
            }
        });
        lifecycle = new VmLifecycle(store, infra, vmms, new GuestSsh(keys, known, vmm.port()), keys, known,
                Ipv4Cidr.parse("127.0.0.1/24"), tmp.resolve("vms"),
                new VmLifecycle.Defaults(1, 256, 64L << 20, 64L << 20, "default"),
                new HostIdentity(new ProcessRunner(), tmp.resolve("home")), snapshots,
                new SnapshotFiles(tmp.resolve("snapshots"), new ProcessRunner()));
    }

    @AfterEach
    void tearDown() throws Exception {
        vmm.close();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM pending_restores");
            s.executeUpdate("DELETE FROM snapshots");
            s.executeUpdate("DELETE FROM vms");
        }
    }

    @Test
    void disksAndTapArePreparedAtTheSameTimeAndTheHostKeyIsKnownBeforeBoot() {
        // Both steps wait for each other: run one after the other, they would time out.
        CyclicBarrier together = new CyclicBarrier(2);
        infra.rootDiskStep = () -> await(together);
        infra.tapStep = () -> await(together);
        List<String> phases = new CopyOnWriteArrayList<>();
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("calm-otter", null, null, null, null, null, false),
                (p, d) -> phases.add(p));
        VmRecord running = lifecycle.start(vm.name(), (p, d) -> phases.add(p));

        assertEquals(VmState.RUNNING, running.state());
        assertEquals("qemu", running.vmm());
        assertEquals(List.of("reserve", "disks", "network", "identity", "boot", "wait ssh"), phases);
        String key = known.keyFor(vm.ip()).orElseThrow();
        assertTrue(key.startsWith("ssh-ed25519 "), key);
        assertEquals(key, infra.configs.get(0).hostKey().publicLine().strip(), "the key given to the guest is the one trusted");
        assertTrue(vmm.launchedAfterConfig, "the VMM starts only once every disk and the TAP are there");
    }

    @Test
    void aSnapshotIsSavedPausedAndAVmCreatedFromItIsRestoredOnceFromCopiesOfItsDisks() throws Exception {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("snap-otter", null, null, null, null, null, false),
                (p, d) -> { });
        assertThrows(FailedPreconditionException.class, () -> lifecycle.snapshot(vm.name(), null, (p, d) -> { }),
                "a VM that does not run has no memory to save");
        lifecycle.start(vm.name(), (p, d) -> { });
        VmDir files = new VmDir(Path.of(vm.dir()));
        Files.createDirectories(files.dir());
        Files.writeString(files.rootDisk(), "root of snap-otter");
        Files.writeString(files.workDisk(), "work of snap-otter");

        List<String> phases = new CopyOnWriteArrayList<>();
        SnapshotRecord snap = lifecycle.snapshot(vm.name(), null, (p, d) -> phases.add(p));
        assertEquals("snap-otter-1", snap.name());
        assertEquals(List.of("pause", "save", "copy disks", "resume"), phases);
        assertEquals(List.of(true), vmm.savedPaused, "memory saved while the vCPUs stood still");
        assertFalse(vmm.paused.contains(vm.id()), "running again");
        assertEquals("work of snap-otter", Files.readString(snap.files().workDisk()));
        assertThrows(dev.banger.common.errors.AlreadyExistsException.class,
                () -> lifecycle.snapshot(vm.name(), "snap-otter-1", (p, d) -> { }));

        // The fake guest answers on the first address only: the copy takes it over.
        lifecycle.delete(vm.name());
        assertTrue(Files.exists(snap.files().vmState()), "a snapshot outlives its VM");
        int vms = store.list().size();
        assertThrows(dev.banger.common.errors.NotFoundException.class, () -> lifecycle.create(fromSnapshot("x", "nope",
                null), (p, d) -> { }));
        assertThrows(dev.banger.common.errors.InvalidArgumentException.class, () -> lifecycle.create(fromSnapshot("x",
                snap.name(), 512), (p, d) -> { }));
        assertEquals(vms, store.list().size(), "nothing recorded for a refused create");

        VmRecord copy = lifecycle.create(fromSnapshot("copy-otter", snap.name(), null), (p, d) -> { });
        assertEquals(vm.memoryMib(), copy.memoryMib());
        FailedPreconditionException inUse = assertThrows(FailedPreconditionException.class,
                () -> lifecycle.deleteSnapshot(snap.name()));
        assertTrue(inUse.getMessage().contains("copy-otter"), inUse.getMessage());

        infra.rootDiskStep = () -> {
            throw new AssertionError("a restore boots the snapshot's disks, not fresh ones");
        };
        phases.clear();
        lifecycle.start(copy.name(), (p, d) -> phases.add(p));
        assertTrue(phases.contains("restore") && !phases.contains("boot"), phases.toString());
        assertEquals(List.of(snap.files().vmState()), vmm.restoredFrom);
        assertEquals("root of snap-otter", Files.readString(new VmDir(Path.of(copy.dir())).rootDisk()));
        assertTrue(infra.configs.stream().anyMatch(c -> c.vmId().equals(copy.id()) && c.hostname().equals("copy-otter")),
                "the copy's own config disk");

        infra.rootDiskStep = () -> { };
        lifecycle.stop(copy.name());
        phases.clear();
        lifecycle.start(copy.name(), (p, d) -> phases.add(p));
        assertTrue(phases.contains("boot"), "restored once; later starts boot its own disks: " + phases);
        lifecycle.deleteSnapshot(snap.name());
        assertFalse(Files.exists(snap.files().dir()), "its files are gone");
        assertTrue(lifecycle.snapshots().isEmpty());
    }

    @Test
    void theWarmPoolKeepsAHiddenPausedVmThatARunTakesUnderItsOwnNameAndRefillsFromItsBase() throws Exception {
        dev.banger.orchestrator.pool.WarmPool pool = new dev.banger.orchestrator.pool.WarmPool(lifecycle, store,
                snapshots, 1);
        pool.refill();
        assertEquals(0, vmm.launches, "no VM is kept ready before anyone asked for one");
        assertTrue(pool.take(new VmLifecycle.Request(null, null, null, null, null, null, false), (p, d) -> { })
                .isEmpty(), "the first warm request finds none ready, and starts the pool");
        awaitReady(pool, 1);
        assertEquals(1, vmm.launches, "the first pooled VM boots, and the pool's base is taken of it");
        assertEquals(1, snapshots.poolBases().size());
        assertTrue(store.list().isEmpty() && lifecycle.snapshots().isEmpty(), "users see neither");
        VmRecord pooled = store.pooled().get(0);
        assertTrue(pooled.timersOrNone().paused() && vmm.paused.contains(pooled.id()), "kept paused");

        assertTrue(pool.take(new VmLifecycle.Request(null, null, null, 512, null, null, false), (p, d) -> { }).isEmpty(),
                "other sizes boot a cold VM");
        List<String> phases = new CopyOnWriteArrayList<>();
        VmRecord taken = pool.take(new VmLifecycle.Request("warm-otter", null, null, null, null, null, true, null,
                Duration.ofHours(1), null, null), (p, d) -> phases.add(p)).orElseThrow();
        assertEquals(pooled.id(), taken.id());
        assertEquals("warm-otter", taken.name());
        assertTrue(taken.nat() && taken.timersOrNone().expiresAt() != null, "NAT and TTL as the run asked");
        assertEquals(VmState.RUNNING, taken.state());
        assertFalse(taken.timersOrNone().paused() || vmm.paused.contains(taken.id()), "running again");
        assertEquals(List.of("warm-otter"), vmm.woken, "clock, entropy and hostname given after the resume");
        assertEquals(List.of("identity", "network", "resume", "wake"), phases);
        assertEquals(List.of("warm-otter"), store.list().stream().map(VmRecord::name).toList());
        assertTrue(known.keyFor("warm-otter.vm").isPresent() && known.keyFor("warm-" + taken.id() + ".vm").isEmpty());

        awaitReady(pool, 1);
        assertEquals(1, vmm.launches, "the refill restores from the base instead of booting");
        assertEquals(snapshots.poolBases().get(0).files().vmState(), vmm.restoredFrom.get(vmm.restoredFrom.size() - 1));
        assertThrows(dev.banger.common.errors.AlreadyExistsException.class, () -> pool.take(new VmLifecycle.Request(
                "warm-otter", null, null, null, null, null, false), (p, d) -> { }), "a name taken is refused as cold");
        awaitReady(pool, 1);
        assertEquals(1, store.pooled().size(), "and the ready VM stays in the pool");

        // Another default image, or another host identity, makes the ready VM stale.
        Files.createDirectories(tmp.resolve("home/.local/share/opencode"));
        Files.writeString(tmp.resolve("home/.local/share/opencode/auth.json"), "{\"new\": 1}");
        assertTrue(pool.take(new VmLifecycle.Request(null, null, null, null, null, null, false), (p, d) -> { })
                .isEmpty(), "a VM given an older identity is not handed over");
        awaitReady(pool, 1);
        infra.imageId = "img-2";
        assertEquals(0, pool.ready());
        pool.refill();
        assertEquals(1, pool.ready());
        assertEquals("img-2", snapshots.poolBases().get(0).imageId(), "the old image's base went");
        assertEquals(1, store.pooled().size());

        pool.close();
        assertTrue(store.pooled().isEmpty(), "the pool's VMs go with the daemon");
        assertEquals(java.util.Set.of(taken.id()), vmm.alive, "the user's VM runs on");
    }

    /** Waits for the pool's background refill to make count VMs ready. */
    private static void awaitReady(dev.banger.orchestrator.pool.WarmPool pool, int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.ready() < count && System.nanoTime() < end) {
            pool.refill(); // returns at once while the background round runs
            Thread.sleep(50);
        }
        assertEquals(count, pool.ready());
    }

    @Test
    void aForkIsRunningCopiesOfARunningVmFromOneSnapshotThatGoesAfterwards_allOrNothing() throws Exception {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("fork-otter", null, null, null, null, null, true),
                (p, d) -> { });
        lifecycle.start(vm.name(), (p, d) -> { });
        VmDir files = new VmDir(Path.of(vm.dir()));
        Files.createDirectories(files.dir());
        Files.writeString(files.rootDisk(), "root of fork-otter");
        Files.writeString(files.workDisk(), "work of fork-otter");
        int before = store.list().size();
        assertThrows(dev.banger.common.errors.InvalidArgumentException.class, () -> lifecycle.fork(vm.name(), 0,
                (p, d) -> { }));
        assertThrows(dev.banger.common.errors.InvalidArgumentException.class, () -> lifecycle.fork(vm.name(), 17,
                (p, d) -> { }));
        assertEquals(before, store.list().size(), "a refused fork records nothing");

        List<VmRecord> copies = lifecycle.fork(vm.name(), 2, (p, d) -> { });
        assertEquals(List.of("fork-otter-1", "fork-otter-2"), copies.stream().map(VmRecord::name).toList());
        for (VmRecord c : copies) {
            assertEquals(VmState.RUNNING, c.state());
            assertTrue(c.nat(), "a copy keeps its VM's NAT");
            assertEquals("root of fork-otter", Files.readString(new VmDir(Path.of(c.dir())).rootDisk()));
            assertTrue(infra.configs.stream().anyMatch(g -> g.vmId().equals(c.id()) && g.hostname().equals(c.name())),
                    "each copy's own config disk");
        }
        assertEquals(2, vmm.restoredFrom.size(), "restored, not booted");
        assertEquals(1, new java.util.HashSet<>(vmm.restoredFrom).size(), "both from one snapshot");
        assertTrue(lifecycle.snapshots().isEmpty(), "the fork's snapshot is gone");
        assertFalse(vmm.paused.contains(vm.id()), "the VM runs on");
        assertEquals(VmState.RUNNING, store.resolve(vm.name()).state());

        vmm.restoresBeforeFailure.set(1);
        RuntimeException failed = assertThrows(RuntimeException.class, () -> lifecycle.fork(vm.name(), 2, (p, d) -> { }));
        assertTrue(failed.getMessage().contains("load of migration failed"), failed.getMessage());
        assertEquals(before + 2, store.list().size(), "a copy that failed took the other with it");
        assertTrue(lifecycle.snapshots().isEmpty());
    }

    private static VmLifecycle.Request fromSnapshot(String name, String snapshot, Integer memory) {
        return new VmLifecycle.Request(name, null, null, memory, null, null, false, null, null, null, snapshot);
    }

    @Test
    void aPausedVmIsHaltedInItsVmmRefusesGuestWorkAndResumes_aStopResumesItFirst() {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("nap-otter", null, null, null, null, null, false),
                (p, d) -> { });
        lifecycle.start(vm.name(), (p, d) -> { });
        VmRecord paused = lifecycle.pause(vm.name());
        assertTrue(paused.timersOrNone().paused() && vmm.paused.contains(vm.id()));
        assertEquals(VmState.RUNNING, paused.state(), "its VMM still runs");
        dev.banger.common.errors.FailedPreconditionException refused = assertThrows(
                dev.banger.common.errors.FailedPreconditionException.class, () -> lifecycle.agentTarget(paused));
        assertTrue(refused.getMessage().contains("banger vm resume nap-otter"), refused.getMessage());
        assertThrows(dev.banger.common.errors.FailedPreconditionException.class, () -> lifecycle.pause(vm.name()));
        VmRecord resumed = lifecycle.resume(vm.name());
        assertFalse(resumed.timersOrNone().paused() || vmm.paused.contains(vm.id()));
        assertThrows(dev.banger.common.errors.FailedPreconditionException.class, () -> lifecycle.resume(vm.name()),
                "resume of a VM that runs");

        lifecycle.pause(vm.name());
        VmRecord stopped = lifecycle.stop(vm.name());
        assertEquals(VmState.STOPPED, stopped.state());
        assertFalse(vmm.paused.contains(vm.id()), "resumed before its power-off");
        assertFalse(stopped.timersOrNone().paused(), "a stopped VM is not paused");
    }

    @Test
    void aTtlAndAnIdleStopAreKeptWithTheVm() {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("ttl-otter", null, null, null, null, null, false,
                dev.banger.orchestrator.vmm.GuestInit.LEAN, java.time.Duration.ofMinutes(30),
                java.time.Duration.ofMinutes(15), null), (p, d) -> { });
        VmRecord stored = store.resolve(vm.id());
        assertEquals(java.time.Duration.ofMinutes(15), stored.timersOrNone().idleStop());
        assertTrue(java.time.Duration.between(stored.createdAt(), stored.timersOrNone().expiresAt())
                .equals(java.time.Duration.ofMinutes(30)));
        assertThrows(dev.banger.common.errors.InvalidArgumentException.class, () -> lifecycle.create(
                new VmLifecycle.Request("bad-ttl", null, null, null, null, null, false,
                        dev.banger.orchestrator.vmm.GuestInit.LEAN, java.time.Duration.ofDays(400), null, null),
                (p, d) -> { }));
    }

    @Test
    void aStartCutShortByAKillIsAdoptedNotDoneAgainUnderTheRunningVmm() {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("cut-otter", null, null, null, null, null, false),
                (p, d) -> { });
        lifecycle.start(vm.name(), (p, d) -> { });
        store.updateState(vm.id(), VmState.STARTING, null, null, null); // the orchestrator died waiting for SSH
        infra.released.clear();
        VmRecord again = lifecycle.start(vm.name(), (p, d) -> { });
        assertEquals(VmState.RUNNING, again.state());
        assertEquals(1, vmm.launches, "no second VMM");
        assertEquals(1, infra.configs.size(), "no step re-run");
        assertEquals(List.of(), infra.released, "nothing the live VMM uses was released");
    }

    @Test
    void reconcileKeepsWhatRunsStopsWhatDiedAndReleasesWhatNobodyOwns() {
        VmRecord a = lifecycle.create(new VmLifecycle.Request("live-otter", null, null, null, null, null, true),
                (p, d) -> { });
        VmRecord b = lifecycle.create(new VmLifecycle.Request("dead-otter", null, null, null, null, null, false),
                (p, d) -> { });
        lifecycle.start(a.name(), (p, d) -> { });
        store.updateState(b.id(), VmState.RUNNING, 4242L, java.time.Instant.now(), null); // its QEMU died while nobody watched
        store.updateState(a.id(), VmState.STARTING, null, null, null); // and a's start was cut short
        infra.disks.addAll(List.of(a.id(), b.id(), "0ddba11")); // 0ddba11: deleted while storage was down

        VmLifecycle.Reconciled r = lifecycle.reconcile();
        assertTrue(r.ran());
        assertEquals(List.of("dead-otter"), r.stopped());
        assertEquals(List.of("live-otter"), r.adopted());
        assertEquals(List.of("0ddba11"), r.orphanDisks());
        assertEquals(List.of("[" + a.id() + "] nat {" + a.id() + "=" + store.resolve(a.id()).ip() + "}"),
                infra.networkKept, "the net service keeps only what runs");
        assertTrue(infra.released.contains("disks 0ddba11"));
        assertFalse(infra.released.contains("disks " + b.id()), "a stopped VM keeps its disks");
        assertEquals(VmState.STOPPED, store.resolve(b.id()).state());
        assertEquals(VmState.RUNNING, store.resolve(a.id()).state());
    }

    @Test
    void reconcileLeavesAloneWhatAVerbIsSettingUp() throws Exception {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("busy-otter", null, null, null, null, null, false),
                (p, d) -> { });
        java.util.concurrent.CountDownLatch inTap = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        infra.tapStep = () -> {
            inTap.countDown();
            try {
                go.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        var start = java.util.concurrent.CompletableFuture.supplyAsync(() -> lifecycle.start(vm.name(), (p, d) -> { }));
        assertTrue(inTap.await(5, TimeUnit.SECONDS));
        assertFalse(lifecycle.reconcile().ran(), "a start is making its TAP: reconcile waits for the next round");
        go.countDown();
        assertEquals(VmState.RUNNING, start.get(10, TimeUnit.SECONDS).state());
        assertTrue(lifecycle.reconcile().ran());
    }

    @Test
    void concurrentCreatesNeverCollideOnAGeneratedName() {
        List<java.util.concurrent.CompletableFuture<VmRecord>> all = java.util.stream.IntStream.range(0, 24)
                .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(() -> lifecycle.create(
                        new VmLifecycle.Request(null, null, null, null, null, null, false), (p, d) -> { }))).toList();
        List<String> names = all.stream().map(f -> f.join().name()).toList();
        assertEquals(24, new HashSet<>(names).size(), "every create got its own name: " + names);
    }

    @Test
    void killEndsAVmWhoseStopIsStuckWithoutWaitingBehindIt() throws Exception {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("stuck-otter", null, null, null, null, null, false),
                (p, d) -> { });
        lifecycle.start(vm.name(), (p, d) -> { });
        vmm.wedged = true; // stop will wait 30 s for a poweroff, then 20 s for the power button
        java.util.concurrent.CompletableFuture<VmRecord> stop = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> lifecycle.stop(vm.name()));
        Thread.sleep(500);
        assertFalse(stop.isDone(), "the stop is stuck waiting for the guest");
        long t0 = System.nanoTime();
        VmRecord killed = lifecycle.kill(vm.name(), "KILL");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "kill waited " + ms + " ms behind the stop");
        assertEquals(VmState.STOPPED, killed.state());
        assertEquals(VmState.STOPPED, stop.get(5, java.util.concurrent.TimeUnit.SECONDS).state(), "and the stop ended too");
    }

    @Test
    void everyStartGivesTheGuestTheHostUsersGitIdentityAndTheAgentAuthFilesItHas() throws IOException {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Ada Host\n\temail = ada@host.invalid\n");
        Files.writeString(home.resolve(".claude/.credentials.json"), "{\"token\": 1}");
        List<String> details = new CopyOnWriteArrayList<>();
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("known-otter", null, null, null, null, null, false),
                (p, d) -> { });
        lifecycle.start(vm.name(), (p, d) -> details.add(p + ": " + d));

        Infra.GuestConfig sent = infra.configs.get(0);
        assertEquals("Ada Host", sent.gitUserName());
        assertEquals("ada@host.invalid", sent.gitUserEmail());
        assertEquals(List.of("/root/.claude/.credentials.json"), List.copyOf(sent.agentAuthFiles().keySet()));
        assertEquals("{\"token\": 1}", new String(sent.agentAuthFiles().get("/root/.claude/.credentials.json")));
        String identity = details.stream().filter(d -> d.startsWith("identity: ")).findFirst().orElseThrow();
        assertTrue(identity.contains("~/.local/share/opencode/auth.json") && identity.contains("~/.pi/agent/auth.json")
                && !identity.contains(".claude"), "the missing files are named, the present one is not: " + identity);
    }

    @Test
    void aFailedStepLeavesTheVmInErrorWithNothingLaunchedAndTheNetworkReleased() {
        infra.tapStep = () -> {
            throw new IllegalStateException("no bridge");
        };
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("sad-otter", null, null, null, null, null, false),
                (p, d) -> { });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lifecycle.start(vm.name(), (p, d) -> { }));
        assertEquals("no bridge", e.getMessage());
        VmRecord after = store.resolve(vm.name());
        assertEquals(VmState.ERROR, after.state());
        assertEquals("no bridge", after.lastError());
        assertEquals(0, vmm.launches);
        assertTrue(infra.released.contains("tap " + vm.id()));
    }

    @Test
    void aVmmThatDiesAtBootFailsTheStartAtOnceWithWhatItPrinted() throws Exception {
        vmm.diesAtBoot = "qemu-system-x86_64: fatal: the emulator gave up";
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("dead-boot-otter", null, null, null, null, null, false),
                (p, d) -> { });
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lifecycle.start(vm.name(), (p, d) -> { }));
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(seconds < 10, "not the SSH deadline's " + VmLifecycle.SSH_DEADLINE + ": " + seconds + " s");
        assertTrue(e.getMessage().contains("the VM's VMM exited before the guest at " + vm.ip() + " answered SSH")
                && e.getMessage().contains("the VMM printed: " + vmm.diesAtBoot), e.getMessage());
        assertEquals(VmState.ERROR, store.resolve(vm.name()).state());
        assertTrue(infra.released.contains("tap " + vm.id()), "its TAP released");
    }

    @Test
    void aCreateThatAsksForItDeletesTheVmWhoseBootFailed() {
        infra.tapStep = () -> {
            throw new IllegalStateException("no bridge");
        };
        VmsGrpcService service = grpcService();
        Throwable failed = assertThrows(RuntimeException.class, () -> service.create(dev.banger.proto.api.v1
                .CreateVmRequest.newBuilder().setSpec(dev.banger.proto.api.v1.VmSpec.newBuilder().setName("gone-otter"))
                .setStart(true).setDeleteOnFailure(true).build()).collect().asList().await().atMost(Duration.ofSeconds(30)));
        assertTrue(failed.getMessage().contains("no bridge"), failed.getMessage());
        assertTrue(store.list().stream().noneMatch(v -> v.name().equals("gone-otter")), "no VM left in error (RUN-3)");
        assertTrue(infra.released.stream().anyMatch(r -> r.startsWith("disks ")), "its disks released");
    }

    @Test
    void aConfiguredVmmThatCannotRunIsRefusedBeforeAnythingIsRecorded() {
        SshKeys keys = new SshKeys(tmp, new ProcessRunner());
        VmLifecycle firecrackerOnly = new VmLifecycle(store, infra, new Vmms("firecracker", false,
                new KvmSupport(false, "the only KVM module is kvm_pvm"), new FirecrackerKernels(), vmm, new FakeVmm() {
                    @Override
                    public String name() {
                        return "firecracker";
                    }
                }), new GuestSsh(keys, known), keys, known, Ipv4Cidr.parse("127.0.0.1/24"), tmp.resolve("vms"),
                new VmLifecycle.Defaults(1, 256, 64L << 20, 64L << 20, "default"),
                new HostIdentity(new ProcessRunner(), tmp.resolve("home")), snapshots,
                new SnapshotFiles(tmp.resolve("snapshots"), new ProcessRunner()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> firecrackerOnly.create(
                new VmLifecycle.Request("fc-otter", null, null, null, null, null, false), (p, d) -> { }));
        assertTrue(e.getMessage().contains("firecracker is not on PATH"), e.getMessage());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void aMultiRefVerbWorksOnItsVmsAtTheSameTimeAndAnswersInTheOrderGiven() {
        VmRecord a = lifecycle.create(new VmLifecycle.Request("first-otter", null, null, null, null, null, false),
                (p, d) -> { });
        VmRecord b = lifecycle.create(new VmLifecycle.Request("second-otter", null, null, null, null, null, false),
                (p, d) -> { });
        CyclicBarrier together = new CyclicBarrier(2);
        List<String> problems = new CopyOnWriteArrayList<>();
        infra.releaseTapStep = () -> { // kill releases each VM's TAP: both must be in it at once
            try {
                await(together);
            } catch (IllegalStateException e) {
                problems.add(e.getMessage()); // a failed release is only logged by kill, so note it here
                throw e;
            }
        };
        VmsGrpcService service = grpcService();
        RefsResponse answer = service.kill(RefsRequest.newBuilder().addRefs("second-otter").addRefs("nobody")
                .addRefs("first-otter").build()).await().atMost(Duration.ofSeconds(30));
        List<RefResult> results = answer.getResultsList();
        assertEquals(List.of("second-otter", "nobody", "first-otter"), results.stream().map(RefResult::getRef).toList());
        assertEquals(List.of(true, false, true), results.stream().map(RefResult::getOk).toList());
        assertEquals(b.id(), results.get(0).getId());
        assertEquals(a.id(), results.get(2).getId());
        assertEquals("NOT_FOUND", results.get(1).getErrorKind());
        assertEquals("VM_NOT_FOUND", results.get(1).getReason(), "the reason a client acts on, per ref");
        assertEquals(List.of(), problems, "the two kills ran side by side");
    }

    @Test
    void vmShowAsksTheAgentWithTheTokenTheGuestWasGiven() throws Exception {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("chatty-otter", null, null, null, null, null, false),
                (p, d) -> { });
        assertEquals("", lifecycle.agentStatus(store.resolve(vm.name())), "not running: nothing to ask");
        VmRecord running = lifecycle.start(vm.name(), (p, d) -> { });
        String token = infra.configs.get(0).agentToken();
        Thread t;
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket agent = new ServerSocket()) {
            agent.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            lifecycle.agentPort(agent.getLocalPort());
            t = new Thread(() -> {
                while (!agent.isClosed()) {
                    try (Socket c = agent.accept()) {
                        asked.incrementAndGet();
                        String line = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                                StandardCharsets.UTF_8)).readLine();
                        String answer = line.equals(token + " ping") ? "ok 7\n0b00-1d" : "error unauthorized";
                        c.getOutputStream().write((answer + (answer.startsWith("ok") ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            assertEquals("ok, boot id 0b00-1d", lifecycle.agentStatus(running));
            // A look at the state leaves the agent alone: asking it starts its JVM in the guest.
            VmsGrpcService service = grpcService();
            int before = asked.get();
            dev.banger.proto.api.v1.Vm quiet = service.get(dev.banger.proto.api.v1.GetVmRequest.newBuilder()
                    .setRef(vm.name()).setWithoutAgent(true).build()).await().atMost(Duration.ofSeconds(10));
            assertEquals(dev.banger.proto.api.v1.VmState.RUNNING, quiet.getState());
            assertEquals("", quiet.getAgent(), "without_agent: no agent field");
            assertEquals(before, asked.get(), "and no connection to the agent");
            assertEquals("ok, boot id 0b00-1d", service.get(dev.banger.proto.api.v1.GetVmRequest.newBuilder()
                    .setRef(vm.name()).build()).await().atMost(Duration.ofSeconds(10)).getAgent(), "vm show asks it");
            lifecycle.stop(vm.name());
            lifecycle.start(vm.name(), (p, d) -> { });
            assertEquals(token, infra.configs.get(1).agentToken(), "the token is kept across restarts");
        }
        t.join(5000);
        String gone = lifecycle.agentStatus(store.resolve(vm.name()));
        assertTrue(gone.startsWith("not answering ("), "agent gone: " + gone);
    }

    /** The Vms gRPC adapter over this test's lifecycle and store, without a warm pool. */
    private VmsGrpcService grpcService() {
        SshKeys keys = new SshKeys(tmp, new ProcessRunner());
        return new VmsGrpcService(store, lifecycle, keys,
                new Workspaces(new ProcessRunner(), new GuestSsh(keys, known), workspaceStore),
                new dev.banger.orchestrator.reach.VmReach(store, lifecycle),
                new dev.banger.orchestrator.sessions.VmSessions(store, lifecycle),
                new dev.banger.orchestrator.pool.WarmPool(lifecycle, store, snapshots, 0));
    }

    static void await(CyclicBarrier b) {
        try {
            b.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other step did not run alongside: " + e, e);
        }
    }

    /**
     * Finding 13, forced: prune listed a VM as stopped, then a start took it. The start is
     * held inside its disk step while prune's delete of that VM is already waiting; prune
     * must decide on the state once it holds the VM, so the started VM survives.
     */
    @Test
    void aPruneThatListedAVmBeforeItWasStartedNeverDeletesIt() throws Exception {
        VmRecord vm = lifecycle.create(new VmLifecycle.Request("prune-race", null, null, null, null, null, false),
                (p, d) -> { });
        assertTrue(lifecycle.pruneCandidates().stream().anyMatch(v -> v.id().equals(vm.id())), "stopped: a candidate");
        java.util.concurrent.CountDownLatch inDisks = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        infra.rootDiskStep = () -> {
            inDisks.countDown();
            awaitLatch(release);
        };
        java.util.concurrent.CompletableFuture<VmRecord> start = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> lifecycle.start(vm.name(), (p, d) -> { }));
        assertTrue(inDisks.await(10, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.CompletableFuture<VmRecord> prune = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> lifecycle.deleteUnlessRunning(vm.name()));
        Thread.sleep(300);
        assertTrue(!prune.isDone(), "prune waits for the VM the start holds");
        release.countDown();
        assertEquals(VmState.RUNNING, start.get(30, java.util.concurrent.TimeUnit.SECONDS).state());
        java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> prune.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof dev.banger.common.errors.FailedPreconditionException f
                && f.reason().equals(java.util.Optional.of(dev.banger.common.errors.Reason.VM_RUNNING)),
                "refused as running: " + refused.getCause());
        assertEquals(VmState.RUNNING, store.resolve(vm.name()).state(), "the started VM is still there, running");
        assertTrue(infra.released.stream().noneMatch(r -> r.endsWith(vm.id())), "nothing of it was released");
    }

    /**
     * Finding 13, forced: an image delete's "who uses it" check runs while a create has
     * looked the image up but not yet recorded its VM. The check must wait for the create,
     * and then see the new VM, so the image cannot go from under it.
     */
    @Test
    void anImageDeleteCannotSlipBetweenACreatesImageLookupAndItsRecord() throws Exception {
        java.util.concurrent.CountDownLatch resolved = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        infra.resolveImageStep = () -> {
            resolved.countDown();
            awaitLatch(release);
        };
        java.util.concurrent.CompletableFuture<VmRecord> create = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> lifecycle.create(new VmLifecycle.Request("image-race", null, null, null, null, null, false),
                        (p, d) -> { }));
        assertTrue(resolved.await(10, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.CompletableFuture<List<String>> users = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> lifecycle.withNoCreate(() -> store.namesUsingImage("img-1")));
        Thread.sleep(300);
        assertTrue(!users.isDone(), "the delete's check waits for the create that holds the image");
        release.countDown();
        create.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of("image-race"), users.get(30, java.util.concurrent.TimeUnit.SECONDS),
                "and then sees the VM that uses the image");
    }

    static void awaitLatch(java.util.concurrent.CountDownLatch l) {
        try {
            l.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    final class FakeInfra implements Infra {
        Runnable rootDiskStep = () -> { };
        Runnable resolveImageStep = () -> { };
        Runnable tapStep = () -> { };
        Runnable releaseTapStep = () -> { };
        final List<GuestConfig> configs = new CopyOnWriteArrayList<>();
        final List<String> released = new CopyOnWriteArrayList<>();

        volatile String imageId = "img-1";

        @Override
        public BootImage resolveImage(String ref) {
            resolveImageStep.run();
            return new BootImage(imageId, "default", "k1", tmp.resolve("bzImage"), tmp.resolve("vmlinux"), null);
        }

        @Override
        public Path rootDisk(String vmId, String imageId, long overlayBytes) {
            rootDiskStep.run();
            return tmp.resolve(vmId + "-root");
        }

        @Override
        public Path workDisk(String vmId, String imageId, long sizeBytes) {
            return tmp.resolve(vmId + "-work");
        }

        @Override
        public Path configDisk(GuestConfig config) {
            configs.add(config);
            return tmp.resolve(config.vmId() + "-config");
        }

        @Override
        public void releaseDisks(String vmId) {
            released.add("disks " + vmId);
        }

        @Override
        public String tap(String vmId, String ip) {
            tapStep.run();
            return "bgtap" + vmId;
        }

        @Override
        public void releaseTap(String vmId) {
            releaseTapStep.run();
            released.add("tap " + vmId);
        }

        @Override
        public void nat(String vmId, String ip) {
        }

        @Override
        public void releaseNat(String vmId) {
            released.add("nat " + vmId);
        }

        final java.util.Set<String> disks = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final List<String> networkKept = new CopyOnWriteArrayList<>();

        @Override
        public void reconcileNetwork(java.util.Set<String> keepTaps, java.util.Map<String, String> keepNatIps) {
            networkKept.add(new java.util.TreeSet<>(keepTaps) + " nat " + new java.util.TreeMap<>(keepNatIps));
        }

        @Override
        public java.util.Set<String> vmsWithDisks() {
            return new java.util.TreeSet<>(disks);
        }
    }

    /** A VMM whose "guest" is a stand-in sshd on every loopback address that sends its banner. */
    class FakeVmm implements Vmm, AutoCloseable {
        int launches;
        boolean launchedAfterConfig;
        /** Set: the VMM prints this and exits right after its launch, before the guest answers. */
        volatile String diesAtBoot;
        private ServerSocket sshd;
        /** The VMs whose (fake) VMM runs; the fake sshd answers while any does. */
        final java.util.Set<String> alive = java.util.concurrent.ConcurrentHashMap.newKeySet();

        int port() throws IOException {
            if (sshd == null) {
                sshd = new ServerSocket();
                sshd.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0)); // every VM address on 127.0.0.1/24
                Thread t = new Thread(() -> {
                    while (!sshd.isClosed()) {
                        try (Socket c = sshd.accept(); OutputStream out = c.getOutputStream()) {
                            if (!alive.isEmpty()) {
                                out.write("SSH-2.0-fake\r\n".getBytes(StandardCharsets.US_ASCII));
                            }
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            return sshd.getLocalPort();
        }

        @Override
        public String name() {
            return "qemu";
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public long launch(VmmSpec s) {
            launches++;
            launchedAfterConfig = s.rootDisk() != null && s.workDisk() != null && s.configDisk() != null && s.tap() != null
                    && Files.exists(s.vmDir().resolve("ssh_host_ed25519_key"));
            if (diesAtBoot != null) {
                try {
                    Files.createDirectories(s.vmDir());
                    Files.writeString(s.vmmLog(), diesAtBoot + "\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return ProcessHandle.current().pid();
            }
            alive.add(s.vmId());
            try { // where the storage service would have put them: a snapshot copies them
                VmDir files = new VmDir(s.vmDir());
                Files.createDirectories(files.dir());
                for (Path disk : List.of(files.rootDisk(), files.workDisk())) {
                    if (!Files.exists(disk)) {
                        Files.writeString(disk, "disk of " + s.vmId());
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ProcessHandle.current().pid();
        }

        @Override
        public Optional<Long> pid(VmHandle s) {
            return alive.contains(s.vmId()) ? Optional.of(ProcessHandle.current().pid()) : Optional.empty();
        }

        /** A wedged guest: power button ignored, and an exit is waited for up to the caller's bound. */
        volatile boolean wedged;

        @Override
        public void powerdown(VmHandle s) {
            if (!wedged) {
                alive.remove(s.vmId());
            }
        }

        @Override
        public boolean kill(VmHandle s, boolean force) {
            return alive.remove(s.vmId());
        }

        /** VMs whose vCPUs are halted (pause): a real paused guest ignores its power button too. */
        final java.util.Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void pause(VmHandle s) {
            paused.add(s.vmId());
        }

        @Override
        public void resume(VmHandle s) {
            paused.remove(s.vmId());
        }

        /** SNAP-1: whether each save found its VM paused; the state files restores were fed. */
        final List<Boolean> savedPaused = new CopyOnWriteArrayList<>();
        final List<Path> restoredFrom = new CopyOnWriteArrayList<>();
        /** How many restores succeed before the next ones fail. */
        final java.util.concurrent.atomic.AtomicInteger restoresBeforeFailure = new java.util.concurrent.atomic
                .AtomicInteger(Integer.MAX_VALUE);

        @Override
        public boolean snapshots() {
            return true;
        }

        @Override
        public void save(VmHandle s, dev.banger.common.layout.SnapshotDir into) throws IOException {
            savedPaused.add(paused.contains(s.vmId()));
            Files.writeString(into.vmState(), "memory of " + s.vmId());
        }

        @Override
        public long restore(VmmSpec s, dev.banger.common.layout.SnapshotDir from) throws IOException {
            restoredFrom.add(from.vmState());
            if (restoresBeforeFailure.decrementAndGet() < 0) {
                throw new IOException("QEMU said: load of migration failed");
            }
            alive.add(s.vmId());
            return ProcessHandle.current().pid();
        }

        /** SNAP-3: the names pooled VMs were woken under. */
        final List<String> woken = new CopyOnWriteArrayList<>();

        @Override
        public void wake(VmHandle s, String name) throws IOException {
            if (paused.contains(s.vmId())) {
                throw new IOException("a paused guest cannot answer");
            }
            woken.add(name);
        }

        @Override
        public boolean awaitExit(VmHandle s, Duration within) {
            long end = System.nanoTime() + within.toNanos();
            while (wedged && alive.contains(s.vmId()) && System.nanoTime() < end) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return !alive.contains(s.vmId());
                }
            }
            return !alive.contains(s.vmId());
        }

        @Override
        public void close() throws IOException {
            if (sshd != null) {
                sshd.close();
            }
        }
    }
}
