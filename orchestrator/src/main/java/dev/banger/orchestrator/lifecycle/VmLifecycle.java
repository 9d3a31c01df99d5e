package dev.banger.orchestrator.lifecycle;

import dev.banger.common.testhook.StepPause;
import dev.banger.common.ids.RandomIds;
import dev.banger.common.ids.Names;
import dev.banger.orchestrator.store.VmState;
import dev.banger.common.errors.AlreadyExistsException;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.UnavailableException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.ip.Ipv4Cidr;
import dev.banger.orchestrator.agent.AgentClient;
import dev.banger.orchestrator.agent.AgentTokens;
import dev.banger.orchestrator.identity.HostIdentity;
import dev.banger.orchestrator.ssh.GuestSsh;
import dev.banger.orchestrator.ssh.KnownHosts;
import dev.banger.orchestrator.ssh.SshKeys;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.SnapshotRecord;
import dev.banger.orchestrator.store.SnapshotStore;
import dev.banger.common.layout.VmDir;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.store.VmTimers;
import dev.banger.orchestrator.ops.Operations;
import dev.banger.orchestrator.vm.VmNames;
import dev.banger.orchestrator.vmm.GuestInit;
import dev.banger.orchestrator.vmm.Vmm;
import dev.banger.orchestrator.vmm.Vmms;
import dev.banger.orchestrator.vmm.VmHandle;
import dev.banger.orchestrator.vmm.VmmSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * VM lifecycle (VM-1, VM-6, VM-7, VM-9): create, start, stop, kill, delete. Every
 * input is checked before anything is recorded (RUN-5); operations on one VM are
 * serialised by its lock, different VMs run in parallel; a failed start releases what
 * it took and leaves the VM in state error with the reason.
 */
public final class VmLifecycle {
    private static final Logger LOG = Logger.getLogger(VmLifecycle.class.getName());
    static final Duration SSH_DEADLINE = Duration.ofSeconds(180);

    /** Daemon defaults for what a create leaves out (VM-1). */
    public record Defaults(int vcpu, int memoryMib, long diskBytes, long overlayBytes, String image) {
        /** Whether a VM or snapshot of these sizes is of the defaults' (what the warm pool keeps). */
        public boolean sized(int vcpu, int memoryMib, long diskBytes, long overlayBytes) {
            return vcpu == this.vcpu && memoryMib == this.memoryMib && diskBytes == this.diskBytes
                    && overlayBytes == this.overlayBytes;
        }
    }

    /** What a create asks for; null fields take the defaults. */
    /** ttl: deleted that long after its creation; idleStop: stopped after that long unused (null: never). */
    /** fromSnapshot (SNAP-1): a snapshot's name or id; image, sizes and init are then the snapshot's. */
    public record Request(String name, String image, Integer vcpu, Integer memoryMib, Long diskBytes, Long overlayBytes,
            boolean nat, GuestInit init, Duration ttl, Duration idleStop, String fromSnapshot) {
        public Request(String name, String image, Integer vcpu, Integer memoryMib, Long diskBytes, Long overlayBytes,
                boolean nat) {
            this(name, image, vcpu, memoryMib, diskBytes, overlayBytes, nat, GuestInit.LEAN, null, null, null);
        }
    }

    private final VmStore store;
    private final Infra infra;
    private final Vmms vmms;
    private final GuestSsh ssh;
    private final SshKeys keys;
    private final KnownHosts known;
    private final Ipv4Cidr gateway;
    private final Path vmsDir;
    private final Defaults defaults;
    private final HostIdentity identity;
    private final SnapshotStore snapshots;
    private final SnapshotFiles snapshotFiles;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** The host identity's fingerprint each VM got at its last start (a pooled VM's may be stale). */
    private final ConcurrentHashMap<String, String> identityGiven = new ConcurrentHashMap<>();
    private final Object naming = new Object();
    /** Held shared by every lifecycle verb, exclusively by reconcile (which then sees a still world). */
    private final java.util.concurrent.locks.ReentrantReadWriteLock verbs =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private int agentPort = AgentClient.PORT;
    private StepPause pause = StepPause.NONE;
    /** Runs a start's independent steps. */
    private final Workers steps = new Workers("vm-step", 64);
    /** Starts a fork's copies side by side (apart from steps: each start fans out on that). */
    private final Workers forks = new Workers("vm-fork", MAX_FORKS);

    public VmLifecycle(VmStore store, Infra infra, Vmms vmms, GuestSsh ssh, SshKeys keys, KnownHosts known,
            Ipv4Cidr gateway, Path vmsDir, Defaults defaults, HostIdentity identity, SnapshotStore snapshots,
            SnapshotFiles snapshotFiles) {
        this.snapshots = snapshots;
        this.snapshotFiles = snapshotFiles;
        this.store = store;
        this.infra = infra;
        this.vmms = vmms;
        this.ssh = ssh;
        this.keys = keys;
        this.known = known;
        this.gateway = gateway;
        this.vmsDir = vmsDir;
        this.defaults = defaults;
        this.identity = identity;
    }

    /** Checks the request, records the VM with an address; nothing is recorded if a check fails. */
    public VmRecord create(Request r, BiConsumer<String, String> progress) {
        return logged("create", r.name() == null || r.name().isEmpty() ? UNNAMED : r.name(), progress,
                log -> createLogged(r, log));
    }

    private VmRecord createLogged(Request r, BiConsumer<String, String> progress) {
        progress.accept("reserve", "");
        if (r.fromSnapshot() != null && !r.fromSnapshot().isEmpty()) {
            return createFromSnapshot(r);
        }
        int vcpu = range(r.vcpu() == null ? defaults.vcpu() : r.vcpu(), 1, 64, "vcpu");
        int memory = range(r.memoryMib() == null ? defaults.memoryMib() : r.memoryMib(), 128, 1 << 20, "memory (MiB)");
        long disk = range(r.diskBytes() == null ? defaults.diskBytes() : r.diskBytes(), 64L << 20, 2L << 40, "disk size");
        long overlay = range(r.overlayBytes() == null ? defaults.overlayBytes() : r.overlayBytes(), 64L << 20, 2L << 40,
                "system overlay size");
        String wanted = r.name() == null || r.name().isEmpty() ? null : Names.requireVmName(r.name());
        String id = RandomIds.newId();
        // Choosing a free name and taking it are one step: two creates at once must not
        // both pick it (the second would fail on the store's unique name as an internal error).
        // The image is looked up inside it too, so an image delete (withNoCreate) cannot
        // slip between the lookup and the record that uses the image.
        synchronized (naming) {
            Infra.BootImage image = infra.resolveImage(r.image() == null || r.image().isEmpty() ? defaults.image()
                    : r.image());
            String vmm = vmms.choose(image.vmlinux()).vmm();
            String name = freeName(wanted);
            Instant now = Instant.now();
            requireTimers(r);
            return store.insertWithNewIp(new VmRecord(id, name, VmState.CREATED, image.imageId(), image.imageName(),
                    image.kernelName(), null, vcpu, memory, disk, overlay, r.nat(), vmm, null,
                    vmsDir.resolve(id).toString(), null, null, now, null,
                    r.init() == null ? GuestInit.LEAN : r.init(), new VmTimers(null,
                            r.ttl() == null ? null : now.plus(r.ttl()), r.idleStop(), null)), gateway);
        }
    }

    /** A name for a new VM: the one wanted, if free, else a generated one. Called under naming. */
    private String freeName(String wanted) {
        java.util.Set<String> names = new HashSet<>(store.listAll().stream().map(VmRecord::name).toList());
        if (wanted != null && names.contains(wanted)) {
            throw new AlreadyExistsException(Reason.NAME_TAKEN, "a VM named " + wanted + " already exists");
        }
        return wanted == null ? VmNames.generate(names) : wanted;
    }

    private static void requireTimers(Request r) {
        for (Duration d : java.util.Arrays.asList(r.ttl(), r.idleStop())) {
            if (d != null && (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(365)) > 0)) {
                throw new InvalidArgumentException("--ttl and --idle-stop must be between 1 second and 365 days, got "
                        + d.toSeconds() + " s");
            }
        }
    }

    /**
     * SNAP-1: a VM that is the snapshot's VM under a new identity: its size, image and
     * init are the snapshot's (a restore cannot change them), so asking for others is refused.
     */
    private VmRecord createFromSnapshot(Request r) {
        SnapshotRecord snap = snapshots.resolve(r.fromSnapshot());
        requireSame("--image", r.image() == null || r.image().isEmpty() ? null : r.image(), snap.imageName(),
                snap.imageId());
        requireSame("--vcpu", r.vcpu(), snap.vcpu());
        requireSame("--memory", r.memoryMib(), snap.memoryMib());
        requireSame("--disk-size", r.diskBytes(), snap.diskSizeBytes());
        requireSame("--overlay-size", r.overlayBytes(), snap.systemOverlaySizeBytes());
        String wanted = r.name() == null || r.name().isEmpty() ? null : Names.requireVmName(r.name());
        requireTimers(r);
        String id = RandomIds.newId();
        synchronized (naming) {
            Infra.BootImage image = infra.resolveImage(snap.imageId());
            if (!vmms.get(snap.vmm()).snapshots()) {
                throw new FailedPreconditionException("snapshot " + snap.name() + " was taken with " + snap.vmm()
                        + ", which cannot restore it here");
            }
            Instant now = Instant.now();
            VmRecord vm = store.insertWithNewIp(new VmRecord(id, freeName(wanted), VmState.CREATED, image.imageId(),
                    image.imageName(), image.kernelName(), null, snap.vcpu(), snap.memoryMib(), snap.diskSizeBytes(),
                    snap.systemOverlaySizeBytes(), r.nat(), snap.vmm(), null, vmsDir.resolve(id).toString(), null, null,
                    now, null, snap.init(), new VmTimers(null, r.ttl() == null ? null : now.plus(r.ttl()), r.idleStop(),
                            null)), gateway);
            try {
                snapshots.restoreOnFirstStart(vm.id(), snap.id());
            } catch (RuntimeException e) {
                store.delete(vm.id());
                throw e;
            }
            return vm;
        }
    }

    private static void requireSame(String flag, Object asked, Object... snapshotHas) {
        if (asked != null && java.util.Arrays.stream(snapshotHas).noneMatch(asked::equals)) {
            throw new InvalidArgumentException(flag + " " + asked + " differs from the snapshot's " + snapshotHas[0]
                    + "; a VM restored from a snapshot keeps its size and image");
        }
    }

    /**
     * What a guest that never answered left behind, for the error: the VM's directory may be
     * gone by the time anyone looks (vm run --rm, a test's sandbox). The VMM's own output
     * says why it died; the console says how far the guest got.
     */
    private static String bootOutput(VmmSpec s) {
        String vmmOut = ConsoleLogs.lastLines(s.vmmLog(), 5);
        String console = ConsoleLogs.lastLines(s.consoleLog(), 12);
        return (vmmOut.isEmpty() ? "" : "; the VMM printed: " + vmmOut) + "; the guest's console is in " + s.consoleLog()
                + (console.isEmpty() ? "" : "; its last lines: " + console);
    }

    /**
     * Disks, network, boot, SSH ready (RUN-4 phases). Idempotent for a running VM. The
     * disks (storage service) and the TAP (net service) do not depend on each other, so
     * they are prepared at the same time; the VMM starts when all are there.
     */
    public VmRecord start(String ref, BiConsumer<String, String> progress) {
        return logged("start", ref, progress, log -> startLogged(ref, log));
    }

    private VmRecord startLogged(String ref, BiConsumer<String, String> progress) {
        VmRecord vm = store.resolve(ref);
        ReentrantLock lock = lock(vm.id());
        lock.lock();
        try {
            vm = store.resolve(vm.id());
            Vmm vmm = vmms.get(vm.vmm());
            Optional<Long> live = vmm.pid(handle(vm));
            if (live.isPresent()) {
                // Its VMM runs (a start cut short by a kill of this process, say): adopt it,
                // never re-run the steps under it, which would free the TAP and disks it uses.
                if (vm.state() != VmState.RUNNING) {
                    progress.accept("wait ssh", vm.ip());
                    VmHandle adopted = handle(vm);
                    ssh.awaitReady(vm.ip(), SSH_DEADLINE, () -> vmm.pid(adopted).isPresent());
                    store.updateState(vm.id(), VmState.RUNNING, live.get(), Instant.now(), null);
                }
                return store.resolve(vm.id());
            }
            // Only a VM that needs booting needs its image (a live one is adopted above), and a
            // missing or stale one is refused before anything changes.
            Infra.BootImage image = infra.resolveImage(vm.imageId());
            Optional<SnapshotRecord> from = snapshots.pendingRestore(vm.id());
            store.updateState(vm.id(), VmState.STARTING, null, null, null);
            VmmSpec spec = null;
            try {
                VmRecord v = vm;
                VmDir files = new VmDir(Path.of(v.dir()));
                progress.accept("disks", from.isPresent() ? "root, work from snapshot " + from.get().name() + ", config"
                        : "root, work, config");
                progress.accept("network", vm.nat() ? "tap, nat" : "tap");
                // A restore's disks are the snapshot's, as the guest's memory knows them: never
                // checked or grown (e2fsck would replay the journal under the running guest).
                Uni<Path> root = steps.run(() -> from.isPresent()
                        ? snapshotFiles.copyIn(from.get().files().rootDisk(), files.rootDisk())
                        : infra.rootDisk(v.id(), v.imageId(), v.systemOverlaySizeBytes()));
                Uni<Path> work = steps.run(() -> from.isPresent()
                        ? snapshotFiles.copyIn(from.get().files().workDisk(), files.workDisk())
                        : infra.workDisk(v.id(), v.imageId(), v.diskSizeBytes()));
                Uni<Path> config = steps.run(() -> {
                    SshKeys.HostKey hostKey = keys.guestHostKey(Path.of(v.dir()));
                    // STO-3: the host user's identity, read afresh at every start.
                    HostIdentity.Identity id = identity.read();
                    identityGiven.put(v.id(), id.fingerprint());
                    progress.accept("identity", id.describe());
                    Path disk = infra.configDisk(new Infra.GuestConfig(v.id(), v.name(), v.ip(), gateway.addressText(),
                            gateway.prefix(), List.of(keys.publicKey()), AgentTokens.forVm(Path.of(v.dir())),
                            id.gitUserName(), id.gitUserEmail(), id.authFiles(), hostKey));
                    known.replace(List.of(v.ip(), v.name() + ".vm"), hostKey.type(), hostKey.publicBlob());
                    return disk;
                });
                Uni<String> tap = steps.run(() -> {
                    String t = infra.tap(v.id(), v.ip());
                    if (v.nat()) {
                        infra.nat(v.id(), v.ip());
                    }
                    return t;
                });
                // Disks, config and network at once; all of them finish before a failure is handled.
                var ready = Workers.await(Uni.combine().all().unis(root, work, config, tap).collectFailures().asTuple());
                spec = spec(vm, image, ready.getItem1(), ready.getItem2(), ready.getItem3(), ready.getItem4());
                long pid;
                if (from.isPresent()) {
                    progress.accept("restore", vmm.describe() + " from snapshot " + from.get().name());
                    pid = vmm.restore(spec, from.get().files());
                } else {
                    progress.accept("boot", vmm.describe());
                    pid = vmm.launch(spec);
                }
                progress.accept("wait ssh", vm.ip());
                VmmSpec booting = spec;
                try {
                    ssh.awaitReady(vm.ip(), SSH_DEADLINE, () -> vmm.pid(booting.handle()).isPresent());
                } catch (IllegalStateException e) {
                    throw new FailedPreconditionException(e.getMessage() + bootOutput(booting), e);
                }
                store.updateState(vm.id(), VmState.RUNNING, pid, Instant.now(), null);
                if (from.isPresent()) {
                    snapshots.restored(vm.id());
                }
                return store.resolve(vm.id());
            } catch (IOException | RuntimeException e) {
                if (spec != null) {
                    vmm.kill(spec.handle(), true);
                }
                releaseHost(vm);
                store.updateState(vm.id(), VmState.ERROR, null, null, e.getMessage());
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * VM-6: sync and power off over SSH; else the guest's power button (QMP); else kill.
     * Each step is bounded, so stop always ends, and it ends with every host resource released.
     */
    public VmRecord stop(String ref) {
        return logged("stop", ref, (p, d) -> { }, log -> withVm(ref, vm -> {
            Vmm vmm = vmms.get(vm.vmm());
            VmHandle spec = handle(vm);
            if (vmm.pid(spec).isPresent() && vm.timersOrNone().paused()) {
                log.accept("resume", ""); // a paused guest cannot power itself off
                try {
                    vmm.resume(spec);
                } catch (IOException e) {
                    LOG.log(Level.INFO, "resume of " + vm.name() + " before its stop failed: " + e.getMessage());
                }
            }
            if (vmm.pid(spec).isPresent()) {
                log.accept("poweroff over ssh", "");
                try {
                    ssh.exec(vm.ip(), "sync; poweroff", Duration.ofSeconds(10));
                } catch (IOException | RuntimeException e) {
                    // the connection drops as the guest goes down, or the guest is not answering: next step
                }
                log.accept("wait for exit", "");
                if (!vmm.awaitExit(spec, Duration.ofSeconds(30))) {
                    log.accept("power button", "");
                    try {
                        vmm.powerdown(spec);
                    } catch (IOException e) {
                        LOG.log(Level.INFO, "QMP powerdown of " + vm.name() + " failed: " + e.getMessage());
                    }
                    if (!vmm.awaitExit(spec, Duration.ofSeconds(20))) {
                        log.accept("kill", "");
                        vmm.kill(spec, true);
                        vmm.awaitExit(spec, Duration.ofSeconds(5));
                    }
                }
            }
            log.accept("release network", "");
            releaseHost(vm);
            store.updateState(vm.id(), VmState.STOPPED, null, null, null);
            return store.resolve(vm.id());
        }));
    }

    /** VM-7: the VMM ends at once (KILL) or on TERM; the VM ends stopped, not error. */
    public VmRecord kill(String ref, String signal) {
        boolean force = signal == null || signal.isEmpty() || signal.equalsIgnoreCase("KILL")
                || signal.equalsIgnoreCase("SIGKILL") || signal.equals("9");
        if (!force && !signal.equalsIgnoreCase("TERM") && !signal.equalsIgnoreCase("SIGTERM") && !signal.equals("15")) {
            throw new InvalidArgumentException("--signal must be KILL or TERM, got " + signal);
        }
        // The signal goes first, outside the VM's lock: a stop stuck waiting on a wedged
        // guest holds that lock, and kill is how a user ends it (SEC-4). The stop then
        // sees its VMM gone and finishes; the bookkeeping below waits for it.
        VmRecord target = store.resolve(ref);
        VmHandle first = handle(target);
        vmms.get(target.vmm()).kill(first, force);
        return logged("kill", ref, (p, d) -> { }, log -> withVm(ref, vm -> {
            Vmm vmm = vmms.get(vm.vmm());
            VmHandle spec = handle(vm);
            vmm.kill(spec, force);
            if (!vmm.awaitExit(spec, Duration.ofSeconds(10))) {
                vmm.kill(spec, true);
                vmm.awaitExit(spec, Duration.ofSeconds(5));
            }
            releaseHost(vm);
            store.updateState(vm.id(), VmState.STOPPED, null, null, null);
            return store.resolve(vm.id());
        }));
    }

    /** VM-5: a real reboot, so the guest's boot id changes. */
    public VmRecord restart(String ref, BiConsumer<String, String> progress) {
        VmRecord vm = stop(ref);
        return start(vm.id(), progress);
    }

    /** vm set: new vCPU count and/or memory for a stopped VM (they apply at its next start). */
    public VmRecord set(String ref, Integer vcpu, Integer memoryMib) {
        return logged("set", ref, (p, d) -> { }, log -> withVm(ref, vm -> {
            if (!vm.state().atRest()) {
                throw new FailedPreconditionException(Reason.VM_RUNNING,
                        "VM " + vm.name() + " is " + vm.state() + "; stop it first");
            }
            int v = range(vcpu == null ? vm.vcpu() : vcpu, 1, 64, "vcpu");
            int m = range(memoryMib == null ? vm.memoryMib() : memoryMib, 128, 1 << 20, "memory (MiB)");
            store.updateSize(vm.id(), v, m);
            return store.resolve(vm.id());
        }));
    }

    /** What one reconcile did, or that it did nothing because a verb was running. */
    public record Reconciled(boolean ran, List<String> stopped, List<String> adopted, List<String> orphanDisks,
            List<String> problems) {
        static Reconciled busy() {
            return new Reconciled(false, List.of(), List.of(), List.of(), List.of());
        }
    }

    /**
     * VM-8, SEC-4: the store made to match what runs, after any kill of any process.
     * VMs whose VMM runs are kept (adopted as running if a start or stop was cut short);
     * those whose VMM died are marked stopped; then the net service releases every TAP,
     * binding and NAT rule of a VM not running, and the storage service the disks of VMs
     * the store no longer has (their record goes before their disks, so a leftover disk
     * is never a VM's that is being made). Runs only while no lifecycle verb does, so it
     * cannot release what a start is setting up; a busy round is skipped.
     */
    public Reconciled reconcile() {
        if (!verbs.writeLock().tryLock()) {
            return Reconciled.busy();
        }
        try {
            List<String> problems = new java.util.ArrayList<>();
            java.util.Set<String> withDisks = java.util.Set.of();
            try {
                withDisks = infra.vmsWithDisks();
            } catch (RuntimeException e) {
                problems.add("storage: " + e.getMessage());
            }
            List<String> stopped = new java.util.ArrayList<>();
            List<String> adopted = new java.util.ArrayList<>();
            java.util.Set<String> ids = new HashSet<>();
            java.util.Set<String> keepTaps = new java.util.TreeSet<>();
            java.util.Map<String, String> keepNat = new java.util.TreeMap<>();
            for (VmRecord vm : store.listAll()) {
                ids.add(vm.id());
                Optional<Long> pid = vmms.get(vm.vmm()).pid(handle(vm));
                if (pid.isPresent()) {
                    keepTaps.add(vm.id());
                    if (vm.nat() && vm.ip() != null) {
                        keepNat.put(vm.id(), vm.ip());
                    }
                    if (vm.state() != VmState.RUNNING) {
                        store.updateState(vm.id(), VmState.RUNNING, pid.get(), Instant.now(), null);
                        adopted.add(vm.name());
                    }
                } else if (vm.state().mayHaveVmm()) {
                    ssh.forget(vm.ip()); // its VMM died: a connection kept to it leads nowhere
                    store.updateState(vm.id(), VmState.STOPPED, null, null, null);
                    stopped.add(vm.name());
                }
            }
            vmms.all().forEach(v -> v.sweepMemory(keepTaps)); // keepTaps: exactly the VMs whose VMM runs
            try {
                infra.reconcileNetwork(keepTaps, keepNat);
            } catch (RuntimeException e) {
                problems.add("network: " + e.getMessage());
            }
            List<String> orphans = new java.util.ArrayList<>();
            for (String id : withDisks) {
                if (!ids.contains(id)) {
                    try {
                        infra.releaseDisks(id);
                        orphans.add(id);
                    } catch (RuntimeException e) {
                        problems.add("disks of " + id + ": " + e.getMessage());
                    }
                }
            }
            return new Reconciled(true, stopped, adopted, orphans, problems);
        } finally {
            verbs.writeLock().unlock();
        }
    }

    /** Runs action while no VM is being created (an image delete checks its users and deletes in one step). */
    public <T> T withNoCreate(java.util.function.Supplier<T> action) {
        synchronized (naming) {
            return action.get();
        }
    }

    /** VM-4: what prune would delete, as it stands now: every VM that is not running or starting. */
    public List<VmRecord> pruneCandidates() {
        return store.list().stream().filter(v -> prunable(v.state())).toList();
    }

    private static boolean prunable(VmState state) {
        return state != VmState.RUNNING && state != VmState.STARTING;
    }

    /**
     * VM-4: deletes the VM unless it is running or starting, decided under the VM's own
     * lock, so a start that slips in between prune's listing and this call is never undone.
     */
    public VmRecord deleteUnlessRunning(String ref) {
        return logged("prune", ref, (p, d) -> { }, log -> withVm(ref, vm -> {
            if (!prunable(vm.state())) {
                throw new FailedPreconditionException(Reason.VM_RUNNING,
                        vm.name() + " started meanwhile; prune never touches a running VM");
            }
            return deleteLocked(vm, log);
        }));
    }

    /** Rotates the console log of every running VM that has outgrown its cap (SEC-5). */
    public void capConsoleLogs() {
        for (VmRecord vm : store.listAll()) {
            if (vm.state() == VmState.RUNNING) {
                try {
                    ConsoleLogs.cap(handle(vm).files().consoleLog());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot cap the console log of " + vm.name() + ": " + e.getMessage());
                }
            }
        }
    }

    /** Crash tests (SEC-4): stop a verb at a step until the process is killed. */
    public void pauseAt(StepPause pause) {
        this.pause = pause;
    }

    /** Tests run a stand-in agent elsewhere. */
    void agentPort(int port) {
        this.agentPort = port;
    }

    /**
     * What the guest agent says, for `vm show`: its boot id, or why there is none. Over
     * the VM's vsock where its VMM has one (Firecracker), else over TCP. The guest starts the
     * agent's JVM at its first connection, so a first `vm show` waits for that start, briefly
     * (under emulation it may take longer and find it still starting).
     */
    public String agentStatus(VmRecord vm) {
        if (vm.state() != VmState.RUNNING) {
            return "";
        }
        try {
            return "ok, boot id " + AgentClient.callWhenUp(agentTarget(vm), "ping", Duration.ofSeconds(2),
                    Duration.ofSeconds(3));
        } catch (IOException | RuntimeException e) {
            return "not answering (" + e.getMessage() + ")";
        }
    }

    /** SNAP-4: halts a running VM where it is; its memory, disks and network stay. */
    public VmRecord pause(String ref) {
        return logged("pause", ref, (p, d) -> { }, log -> withVm(ref, vm -> {
            vm.requireRunning();
            try {
                vmms.get(vm.vmm()).pause(handle(vm));
            } catch (IOException e) {
                throw new UnavailableException("the VMM of " + vm.name() + " did not pause it: " + e.getMessage());
            }
            store.setPaused(vm.id(), Instant.now());
            return store.resolve(vm.id());
        }));
    }

    /** Goes on from where pause left it; the guest's processes never noticed (their clock did). */
    public VmRecord resume(String ref) {
        return logged("resume", ref, (p, d) -> { }, log -> withVm(ref, vm -> {
            if (vm.state() != VmState.RUNNING || !vm.timersOrNone().paused()) {
                throw new FailedPreconditionException(Reason.VM_NOT_PAUSED, "VM " + vm.name() + " is "
                        + vm.state().label() + ", not paused");
            }
            try {
                vmms.get(vm.vmm()).resume(handle(vm));
            } catch (IOException e) {
                throw new UnavailableException("the VMM of " + vm.name() + " did not resume it: " + e.getMessage());
            }
            store.setPaused(vm.id(), null);
            store.touchActivity(vm.id(), Instant.now());
            return store.resolve(vm.id());
        }));
    }

    /**
     * SNAP-1: saves a running VM: paused, its memory and devices saved, its disks copied
     * while it stands still (so all of them agree), then running again (a VM paused before
     * stays paused). A failure removes what was written and leaves the VM as it was.
     */
    public SnapshotRecord snapshot(String ref, String name, BiConsumer<String, String> progress) {
        return snapshot(ref, name, false, progress);
    }

    private SnapshotRecord snapshot(String ref, String name, boolean poolBase, BiConsumer<String, String> progress) {
        SnapshotRecord[] taken = new SnapshotRecord[1];
        logged("snapshot", ref, progress, log -> withVm(ref, vm -> {
            taken[0] = snapshotLocked(vm, name, poolBase, log);
            return vm;
        }));
        return taken[0];
    }

    private SnapshotRecord snapshotLocked(VmRecord vm, String wanted, boolean poolBase, BiConsumer<String, String> log) {
        vm.requireRunning();
        Vmm vmm = vmms.get(vm.vmm());
        if (!vmm.snapshots()) {
            throw new FailedPreconditionException("VM " + vm.name() + " runs on " + vmm.describe()
                    + ", which cannot save a VM here; snapshots need QEMU");
        }
        VmDir files = new VmDir(Path.of(vm.dir()));
        if (!java.nio.file.Files.isRegularFile(files.rootDisk())) {
            throw new FailedPreconditionException("the root disk of " + vm.name() + " is a device-mapper snapshot;"
                    + " snapshots need the file copy-on-write backend");
        }
        java.util.Set<String> taken = new HashSet<>(snapshots.list().stream().map(SnapshotRecord::name).toList());
        String name = wanted == null || wanted.isEmpty() ? firstFreeNumbered(vm.name(), taken)
                : Names.requireImageName(wanted, "snapshot");
        if (taken.contains(name)) {
            throw new AlreadyExistsException(Reason.NAME_TAKEN, "a snapshot named " + name + " already exists");
        }
        String id = RandomIds.newId();
        var dir = snapshotFiles.create(id);
        VmHandle h = handle(vm);
        boolean wasPaused = vm.timersOrNone().paused();
        try {
            try {
                if (!wasPaused) {
                    log.accept("pause", "");
                    vmm.pause(h);
                }
                log.accept("save", "memory and devices");
                vmm.save(h, dir);
                log.accept("copy disks", "root, work");
                snapshotFiles.copyDisksOut(files, dir);
            } finally {
                if (!wasPaused) {
                    log.accept("resume", "");
                    vmm.resume(h);
                }
            }
            SnapshotRecord s = new SnapshotRecord(id, name, vm.name(), vm.imageId(), vm.imageName(), vm.kernelName(),
                    vm.vcpu(), vm.memoryMib(), vm.diskSizeBytes(), vm.systemOverlaySizeBytes(), vm.vmm(),
                    vm.init() == null ? GuestInit.LEAN : vm.init(), dir.dir().toString(), snapshotFiles.allocatedBytes(dir),
                    Instant.now());
            snapshots.insert(s, poolBase);
            return s;
        } catch (IOException | RuntimeException e) {
            snapshotFiles.delete(dir);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new UnavailableException("the VMM of " + vm.name() + " could not save it: " + e.getMessage());
        }
    }

    /** At most this many copies per fork: each is a VMM with its own RAM for what it changes. */
    static final int MAX_FORKS = 16;

    /**
     * SNAP-2: count running copies of a running VM, which runs on. A snapshot the copies
     * are restored from (their unchanged RAM pages are its memory file's, one page-cache
     * page for all of them), each under its own name, address, MAC, host key, token and
     * reseeded random numbers (banger-control); then the snapshot goes (what the copies
     * map stays until they end). All or nothing: a copy that fails takes the others with it.
     */
    public List<VmRecord> fork(String ref, int count, BiConsumer<String, String> progress) {
        if (count < 1 || count > MAX_FORKS) {
            throw new InvalidArgumentException("--count must be between 1 and " + MAX_FORKS + ", got " + count);
        }
        VmRecord source = store.resolve(ref);
        source.requireRunning();
        SnapshotRecord snap = snapshot(source.id(), source.name() + "-fork-" + RandomIds.newId().substring(0, 8), progress);
        List<VmRecord> copies = new java.util.ArrayList<>();
        try {
            for (String name : forkNames(source.name(), count)) {
                copies.add(create(new Request(name, null, null, null, null, null, source.nat(), null, null, null,
                        snap.id()), progress));
            }
            Workers.await(Uni.join().all(copies.stream().map(c -> forks.run(() -> start(c.id(), progress))).toList())
                    .andCollectFailures());
            return copies.stream().map(c -> store.resolve(c.id())).toList();
        } catch (RuntimeException e) {
            for (VmRecord c : copies) {
                try {
                    delete(c.id());
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        } finally {
            try {
                deleteSnapshot(snap.id());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not delete fork snapshot " + snap.name() + ": " + e.getMessage());
            }
        }
    }

    /** NAME-1, NAME-2, ... skipping names taken; a generated name where NAME-N is no DNS label. */
    private List<String> forkNames(String source, int count) {
        java.util.Set<String> taken = new HashSet<>(store.list().stream().map(VmRecord::name).toList());
        List<String> names = new java.util.ArrayList<>();
        while (names.size() < count) {
            String name = firstFreeNumbered(source, taken);
            if (!Names.isDnsLabel(name)) {
                name = VmNames.generate(taken);
            }
            taken.add(name);
            names.add(name);
        }
        return names;
    }

    /** base-1, base-2, ...: the first not taken (a snapshot's default name, a fork's copies). */
    private static String firstFreeNumbered(String base, java.util.Set<String> taken) {
        for (int n = 1;; n++) {
            if (!taken.contains(base + "-" + n)) {
                return base + "-" + n;
            }
        }
    }

    public List<SnapshotRecord> snapshots() {
        return snapshots.list();
    }

    public List<String> pendingRestores(SnapshotRecord s) {
        return snapshots.pendingVmIds(s.id());
    }

    /** Deletes a snapshot's files and record, unless a VM created from it still waits for its restore. */
    public SnapshotRecord deleteSnapshot(String ref) {
        synchronized (naming) { // a create --from-snapshot cannot slip in between the check and the delete
            SnapshotRecord s = snapshots.resolve(ref);
            List<String> waiting = snapshots.pendingVmIds(s.id()).stream().map(id -> store.resolve(id).name()).toList();
            if (!waiting.isEmpty()) {
                throw new FailedPreconditionException(Reason.SNAPSHOT_IN_USE, "snapshot " + s.name() + " is still to be"
                        + " restored by " + String.join(", ", waiting) + "; start or delete them first");
            }
            snapshots.delete(s.id());
            snapshotFiles.delete(s.files());
            return s;
        }
    }

    /** SNAP-3: what the warm pool keeps: VMs of this daemon's defaults (sizes, image, lean init). */
    public Defaults defaults() {
        return defaults;
    }

    /** Whether a pooled VM can be what r asks for: nothing asked that differs from the defaults. */
    public boolean poolable(Request r) {
        return (r.fromSnapshot() == null || r.fromSnapshot().isEmpty())
                && (r.init() == null || r.init() == GuestInit.LEAN)
                && (r.image() == null || r.image().isEmpty() || r.image().equals(defaults.image()))
                && (r.vcpu() == null || r.vcpu() == defaults.vcpu())
                && (r.memoryMib() == null || r.memoryMib() == defaults.memoryMib())
                && (r.diskBytes() == null || r.diskBytes() == defaults.diskBytes())
                && (r.overlayBytes() == null || r.overlayBytes() == defaults.overlayBytes());
    }

    /** The default image as a boot needs it, or why there is none (missing, stale). */
    public Infra.BootImage defaultImage() {
        return infra.resolveImage(defaults.image());
    }

    /**
     * SNAP-3: a VM for the warm pool, hidden from users until claimed: the defaults' sizes,
     * no NAT, its own address, MAC, host key and token; restored from base on its start
     * when given, else booted (the VM a base is then taken from).
     */
    public VmRecord createPooled(Optional<SnapshotRecord> base) {
        String id = RandomIds.newId();
        synchronized (naming) {
            Infra.BootImage image = infra.resolveImage(base.map(SnapshotRecord::imageId).orElse(defaults.image()));
            String vmm = base.map(SnapshotRecord::vmm).orElseGet(() -> vmms.choose(image.vmlinux()).vmm());
            VmRecord vm = store.insertWithNewIp(new VmRecord(id, POOLED_PREFIX + id, VmState.CREATED, image.imageId(),
                    image.imageName(), image.kernelName(), null, defaults.vcpu(), defaults.memoryMib(),
                    defaults.diskBytes(), defaults.overlayBytes(), false, vmm, null, vmsDir.resolve(id).toString(), null,
                    null, Instant.now(), null, GuestInit.LEAN, VmTimers.NONE), gateway, true);
            base.ifPresent(b -> snapshots.restoreOnFirstStart(vm.id(), b.id()));
            return vm;
        }
    }

    /** What a pooled VM is called until a user's run takes it (then it gets the run's name). */
    static final String POOLED_PREFIX = "warm-";

    /** SNAP-3: the snapshot the pool restores from, taken of a running pooled VM (which runs on). */
    public SnapshotRecord snapshotPoolBase(String vmId) {
        return snapshot(vmId, "warm-pool-base-" + RandomIds.newId(), true, (p, d) -> { });
    }

    /** SNAP-3: whether a pooled VM can be handed over now: running, paused, of this image, given this identity. */
    public boolean readyInPool(VmRecord vm, String imageId, String identityFingerprint) {
        return vm.state() == VmState.RUNNING && vm.timersOrNone().paused() && vm.imageId().equals(imageId)
                && defaults.sized(vm.vcpu(), vm.memoryMib(), vm.diskSizeBytes(), vm.systemOverlaySizeBytes())
                && identityFingerprint.equals(identityGiven.get(vm.id()))
                && vmms.get(vm.vmm()).pid(handle(vm)).isPresent();
    }

    /** The host identity as a start would give it now. */
    public String currentIdentity() {
        return identity.read().fingerprint();
    }

    /**
     * SNAP-3: a ready pooled VM (image imageId) becomes the VM r asks for: its name (the
     * one wanted, else a generated one), NAT, timers; resumed and woken (clock, entropy,
     * hostname). Empty when none is ready. A handover that fails deletes that VM and
     * throws; the caller may then boot a cold one.
     */
    public Optional<VmRecord> claim(Request r, String imageId, BiConsumer<String, String> progress) {
        String wanted = r.name() == null || r.name().isEmpty() ? null : Names.requireVmName(r.name());
        requireTimers(r);
        HostIdentity.Identity given = identity.read();
        String fingerprint = given.fingerprint();
        String id;
        synchronized (naming) {
            Optional<VmRecord> ready = store.pooled().stream().filter(v -> readyInPool(v, imageId, fingerprint))
                    .findFirst();
            if (ready.isEmpty()) {
                return Optional.empty();
            }
            id = ready.get().id();
            Instant now = Instant.now();
            if (!store.claim(id, freeName(wanted), r.nat(), new VmTimers(null, r.ttl() == null ? null
                    : now.plus(r.ttl()), r.idleStop(), null), now)) {
                return Optional.empty();
            }
        }
        progress.accept("identity", given.describe()); // what it got at its start: the same as now
        try {
            return Optional.of(logged("take", id, progress, log -> withVm(id, vm -> handOver(vm, log))));
        } catch (UnavailableException e) {
            throw e;
        } catch (RuntimeException e) { // gone meanwhile (a refill gave it up): a cold boot serves the run
            throw new UnavailableException("the warm pool's VM could not be handed over: " + e.getMessage());
        }
    }

    /** SNAP-3: deletes a VM of the warm pool, unless a run took it meanwhile (then it is the user's). */
    public void deletePooled(String id) {
        logged("delete", id, (p, d) -> { }, log -> withVm(id, vm -> isPooled(id) ? deleteLocked(vm, log) : vm));
    }

    private boolean isPooled(String id) {
        return store.pooled().stream().anyMatch(v -> v.id().equals(id));
    }

    /** The claimed VM, made the user's in the guest and on the host; deleted if any of it fails. */
    private VmRecord handOver(VmRecord vm, StepLog log) {
        Vmm vmm = vmms.get(vm.vmm());
        VmHandle h = handle(vm);
        try {
            if (vm.nat()) {
                log.accept("network", "nat");
                infra.nat(vm.id(), vm.ip());
            }
            log.accept("resume", "a ready VM from the warm pool");
            vmm.resume(h);
            store.setPaused(vm.id(), null);
            log.accept("wake", "clock, entropy, hostname " + vm.name());
            vmm.wake(h, vm.name());
            SshKeys.HostKey hostKey = keys.guestHostKey(Path.of(vm.dir()));
            known.forget(POOLED_PREFIX + vm.id() + ".vm");
            known.replace(List.of(vm.ip(), vm.name() + ".vm"), hostKey.type(), hostKey.publicBlob());
            return store.resolve(vm.id());
        } catch (IOException | RuntimeException e) {
            try {
                deleteLocked(vm, log);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new UnavailableException("the warm pool's VM could not be handed over (deleted): " + e.getMessage());
        }
    }

    /** How to reach a running VM's agent: its vsock where its VMM has one, else TCP to its address. */
    public AgentClient.Target agentTarget(VmRecord vm) {
        vm.requireRunning();
        return new AgentClient.Target(vm.ip(), agentPort, vmms.get(vm.vmm()).vsockSocket(handle(vm)),
                AgentTokens.forVm(Path.of(vm.dir())));
    }

    /** Ends the VMM if running, releases TAP, NAT and disks, forgets its host key and record. */
    public VmRecord delete(String ref) {
        return logged("delete", ref, (p, d) -> { }, log -> withVm(ref, vm -> deleteLocked(vm, log)));
    }

    private VmRecord deleteLocked(VmRecord vm, StepLog log) {
        Vmm vmm = vmms.get(vm.vmm());
        VmHandle spec = handle(vm);
        log.accept("end vmm", "");
        if (vmm.kill(spec, true)) {
            vmm.awaitExit(spec, Duration.ofSeconds(10));
        }
        log.accept("release network and disks", "");
        // The TAP (net service) and the disks (storage service) go at the same time.
        Workers.await(Uni.combine().all().unis(steps.run(() -> {
            releaseHost(vm);
            return vm;
        }), steps.run(() -> {
            infra.releaseDisks(vm.id());
            return vm;
        })).collectFailures().discardItems());
        if (vm.ip() != null) {
            known.forget(vm.ip(), vm.name() + ".vm");
        }
        store.delete(vm.id());
        identityGiven.remove(vm.id());
        return vm;
    }

    /**
     * SNAP-3, at the daemon's stop: a pooled VM goes with the daemon that keeps it. One a
     * refill is still starting (its lock held past within) only has its VMM ended; the
     * next daemon's reconcile and pool round remove the rest.
     */
    public void discardPooled(String id, Duration within) {
        VmRecord vm = store.resolve(id);
        ReentrantLock lock = lock(vm.id());
        boolean locked = false;
        try {
            locked = lock.tryLock(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            if (isPooled(id)) {
                vmms.get(vm.vmm()).kill(handle(vm), true);
            }
            return;
        }
        try {
            if (!isPooled(id)) {
                return; // a run took it meanwhile: the user's now
            }
            deleteLocked(store.resolve(vm.id()), new StepLog("delete", vm.name(), (p, d) -> { }, StepPause.NONE));
        } finally {
            lock.unlock();
        }
    }

    /** What a VM holds on the host only while its VMM runs: its RAM file, TAP and NAT rules. */
    private void releaseHost(VmRecord vm) {
        ssh.forget(vm.ip()); // before its address can go to another VM
        vmms.get(vm.vmm()).discardMemory(handle(vm));
        releaseNetwork(vm);
    }

    private void releaseNetwork(VmRecord vm) {
        try {
            infra.releaseTap(vm.id());
            if (vm.nat()) {
                infra.releaseNat(vm.id());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release the network of " + vm.name() + ": " + e.getMessage());
        }
    }

    /** How logs name a VM being created without a name: it gets one in the create. */
    private static final String UNNAMED = "(new)";

    /** Runs a verb with its steps logged (StepLog), the outcome included. */
    private VmRecord logged(String verb, String ref, BiConsumer<String, String> progress,
            java.util.function.Function<StepLog, VmRecord> body) {
        String who = ref;
        String id = null;
        try {
            VmRecord vm = store.resolve(ref);
            who = vm.name(); // logs say calm-otter, whatever the caller named it by
            id = vm.id();
        } catch (RuntimeException notYet) {
            // a create's new name, or a ref the verb itself will refuse
        }
        if (id != null) {
            Operations.touch(who, id);
        }
        StepLog log = new StepLog(verb, who, progress, pause);
        verbs.readLock().lock();
        try {
            VmRecord done = body.apply(log);
            Operations.touch(done.name(), done.id());
            log.done(null);
            return done;
        } catch (RuntimeException e) {
            if (id == null && "create".equals(verb) && !UNNAMED.equals(who)) {
                Operations.touch(who, null); // `banger ops --vm NAME` finds a create that failed too
            }
            Operations.failed(who, e.getMessage());
            log.done(e);
            throw e;
        } finally {
            verbs.readLock().unlock();
        }
    }

    private VmRecord withVm(String ref, java.util.function.Function<VmRecord, VmRecord> action) {
        VmRecord vm = store.resolve(ref);
        ReentrantLock lock = lock(vm.id());
        lock.lock();
        try {
            return action.apply(store.resolve(vm.id()));
        } finally {
            lock.unlock();
        }
    }

    private static VmHandle handle(VmRecord vm) {
        return VmHandle.of(vm.id(), Path.of(vm.dir()));
    }

    private VmmSpec spec(VmRecord vm, Infra.BootImage image, Path root, Path work, Path config, String tap) {
        return new VmmSpec(vm.id(), vm.vcpu(), vm.memoryMib(), image.bzImage(), image.vmlinux(), image.initrd(), root,
                work, config, tap, Path.of(vm.dir()), vm.init() == null ? GuestInit.LEAN : vm.init());
    }

    private ReentrantLock lock(String id) {
        return locks.computeIfAbsent(id, k -> new ReentrantLock());
    }

    private static int range(int v, int min, int max, String what) {
        if (v < min || v > max) {
            throw new InvalidArgumentException(what + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private static long range(long v, long min, long max, String what) {
        if (v < min || v > max) {
            throw new InvalidArgumentException(what + " must be between " + min + " and " + max + " bytes, got " + v);
        }
        return v;
    }
}
