package dev.banger.orchestrator.workspace;

import dev.banger.orchestrator.store.VmState;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandRunner;
import dev.banger.orchestrator.ssh.GuestSession;
import dev.banger.orchestrator.ssh.GuestShell;
import dev.banger.orchestrator.ssh.GuestSsh;
import dev.banger.orchestrator.store.VmRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Workspaces (WS-1, WS-2, RUN-6, VM-10): the host repository into a running VM, the
 * guest's work back out as a patch, whether the host checkout moved on since, and the
 * pinned tools installed. Data goes over one SSH connection to the guest, streamed
 * from git and from the working tree as it is read: no copy of the repository is made
 * on the host.
 */
public final class Workspaces {
    public static final int DEPTH = 10;
    /** SEC-5: a patch larger than this is not a change anyone reviews; it is refused. */
    public static final long MAX_PATCH = 512L << 20;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration TRANSFER_DEADLINE = Duration.ofMinutes(20);
    private static final Duration BOOTSTRAP_DEADLINE = Duration.ofMinutes(30);

    private final CommandRunner run;
    private final WorkspacePlanner planner;
    private final GuestSsh ssh;
    private final WorkspaceStore store;
    private final ConcurrentHashMap<String, ReentrantLock> busy = new ConcurrentHashMap<>();

    public Workspaces(CommandRunner run, GuestSsh ssh, WorkspaceStore store) {
        this.run = run;
        this.planner = new WorkspacePlanner(run);
        this.ssh = ssh;
        this.store = store;
    }

    public WorkspacePlan plan(WorkspaceRequest r) {
        return planner.plan(r);
    }

    /** The request of the VM's last prepare (for --auto-prepare), or a clear error when there was none. */
    public WorkspaceRequest lastRequest(VmRecord vm) {
        WorkspaceRecord w = recorded(vm);
        return new WorkspaceRequest(Path.of(w.hostPath()), w.guestPath(), w.mode(), w.includeUntracked(), w.branch(),
                w.from());
    }

    public Optional<WorkspaceRecord> of(VmRecord vm) {
        return store.forVm(vm.id());
    }

    /** Every path a prepare would send, the git directory's files included in full_copy mode. */
    public List<String> sentPaths(WorkspacePlan plan) {
        if (plan.mode() == WorkspaceMode.SHALLOW) {
            return plan.files();
        }
        List<String> out = new ArrayList<>();
        try (var walk = Files.walk(plan.repo().root().resolve(".git"))) {
            walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> out.add(plan.repo().root().relativize(p).toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + plan.repo().root().resolve(".git"), e);
        }
        out.addAll(plan.files());
        return out;
    }

    /** WS-1: puts the plan's repository into the running VM, then records what it did. */
    public WorkspaceRecord prepare(VmRecord vm, WorkspacePlan plan, WorkspaceProgress progress) {
        vm.requireRunning();
        ReentrantLock lock = busy.computeIfAbsent(vm.id(), k -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw new FailedPreconditionException(Reason.WORKSPACE_BUSY, "a workspace prepare of " + vm.name() + " is already running");
        }
        try {
            String fingerprint = plan.repo().fingerprint();
            try (GuestSession s = ssh.open(vm.ip(), READ_TIMEOUT)) {
                send(s, plan, progress);
            } catch (IOException e) {
                throw new FailedPreconditionException("the workspace could not be sent to " + vm.name() + ": "
                        + e.getMessage(), e);
            }
            WorkspaceRecord w = new WorkspaceRecord(vm.id(), plan.repo().root().toString(), plan.guestPath(),
                    plan.mode(), plan.request().includeUntracked(), plan.request().branch(), plan.request().from(),
                    plan.headCommit(), fingerprint, Instant.now());
            store.put(w);
            return w;
        } finally {
            lock.unlock();
        }
    }

    /** The plan's data into the guest behind s. */
    void send(GuestShell s, WorkspacePlan plan, WorkspaceProgress progress) throws IOException {
        if (plan.mode() == WorkspaceMode.SHALLOW) {
            sendShallow(s, plan, progress);
        } else {
            sendFullCopy(s, plan, progress);
        }
    }

    private void sendShallow(GuestShell s, WorkspacePlan plan, WorkspaceProgress progress) throws IOException {
        HostRepo repo = plan.repo();
        Set<String> boundary = repo.shallowBoundary(plan.headCommit(), DEPTH);
        progress.phase("send objects", "depth " + DEPTH + " at " + plan.headCommit().substring(0, 12));
        Path packDir = Files.createTempDirectory("banger-pack-");
        try {
            HostRepo.PackFiles pack = repo.packInto(plan.headCommit(), boundary, packDir);
            GuestShell.Outcome o = s.run(GuestScripts.receivePack(plan.guestPath()), stdin -> {
                TreeTar tar = new TreeTar(stdin, pack.dir());
                for (String name : pack.names()) {
                    tar.add(name);
                }
                tar.finish();
            }, null, 1 << 20, TRANSFER_DEADLINE);
            require(o, "receiving the git objects");
        } finally {
            dev.banger.common.fs.FileTrees.deleteTree(packDir);
        }
        progress.phase("checkout", plan.overlay().size() + " file(s) as the host has them, " + plan.deleted().size()
                + " deleted");
        String deleted = String.join("\0", plan.deleted());
        GuestShell.Outcome o = s.run(GuestScripts.finishShallow(plan, boundary, repo.localConfig("user.name")
                .orElse(null), repo.localConfig("user.email").orElse(null)), stdin -> {
                    TreeTar tar = new TreeTar(stdin, repo.root());
                    if (!plan.deleted().isEmpty()) {
                        tar.addBytes(GuestScripts.DELETED_LIST, deleted.getBytes(StandardCharsets.UTF_8));
                    }
                    for (String p : plan.overlay()) {
                        tar.add(p);
                    }
                    tar.finish();
                }, null, 1 << 20, TRANSFER_DEADLINE);
        require(o, "checking out");
    }

    private void sendFullCopy(GuestShell s, WorkspacePlan plan, WorkspaceProgress progress) throws IOException {
        progress.phase("send files", plan.files().size() + " file(s) and the whole .git");
        GuestShell.Outcome o = s.run(GuestScripts.receiveFullCopy(plan), stdin -> {
            TreeTar tar = new TreeTar(stdin, plan.repo().root());
            tar.addTree(".git");
            for (String p : plan.files()) {
                tar.add(p);
            }
            tar.finish();
        }, null, 1 << 20, TRANSFER_DEADLINE);
        require(o, "receiving the repository");
    }

    /** RUN-6: installs the plan's pinned tools in the guest; a failure is a warning, never an error. */
    public void bootstrap(VmRecord vm, WorkspacePlan plan, WorkspaceProgress progress) {
        if (plan.tools().isEmpty()) {
            return;
        }
        requireNetworkForTools(vm, plan);
        progress.phase("bootstrap", String.join(", ", plan.tools().stream()
                .map(p -> p.spec() + " (" + p.source() + ")").toList()));
        boolean miseFiles = plan.tools().stream().anyMatch(p -> ToolPins.MISE_FILES.contains(p.source()));
        try {
            GuestShell.Outcome o;
            try (GuestSession s = ssh.open(vm.ip(), READ_TIMEOUT)) {
                o = s.run(GuestScripts.bootstrap(plan.guestPath(), plan.tools(), miseFiles), null, null, 1 << 20,
                        BOOTSTRAP_DEADLINE);
            }
            if (!o.ok()) {
                progress.warning("the tool installs failed, running the command anyway: " + lastLines(o.stderr(), 5));
            }
        } catch (IOException e) {
            progress.warning("the tool installs failed, running the command anyway: " + e.getMessage());
        }
    }

    /** RUN-6: installing pinned tools needs the network; checked before a prepare sends anything. */
    public void requireNetworkForTools(VmRecord vm, WorkspacePlan plan) {
        if (!plan.tools().isEmpty() && !vm.nat()) {
            throw new InvalidArgumentException(vm.name() + " has no --nat, and installing the repository's tools"
                    + " needs the network: skip them with --no-bootstrap");
        }
    }

    /**
     * WS-2: the guest's changes since base (default: the prepared head) as a binary
     * patch, written to out as it comes. The guest's own index is never touched.
     */
    public void export(VmRecord vm, String base, OutputStream out) {
        vm.requireRunning();
        WorkspaceRecord w = recorded(vm);
        try (GuestSession s = ssh.open(vm.ip(), READ_TIMEOUT)) {
            export(s, w.guestPath(), base, out);
        } catch (IOException e) {
            throw new FailedPreconditionException("the changes could not be read from " + vm.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The guest checkout at guestPath's changes since base, as a patch on out. */
    static void export(GuestShell s, String guestPath, String base, OutputStream out) throws IOException {
        require(s.run(GuestScripts.export(guestPath, base), null, out, MAX_PATCH, TRANSFER_DEADLINE),
                "exporting the changes");
    }

    /** The base an export of vm diffs against: the one asked for, else the head its last prepare recorded. */
    public String exportBase(VmRecord vm, String asked) {
        String base = asked == null || asked.isEmpty() ? recorded(vm).headCommit() : asked;
        if (!base.matches("[0-9a-fA-F]{4,64}")) {
            throw new InvalidArgumentException("--base-commit must be a commit id (hex), got '" + base + "'");
        }
        return base;
    }

    /** VM-10: the host checkout changed (or went away) since the last prepare. */
    public boolean stale(WorkspaceRecord w) {
        try {
            return !HostRepo.enclosing(Path.of(w.hostPath()), run).fingerprint().equals(w.hostFingerprint());
        } catch (RuntimeException e) {
            return true;
        }
    }

    private WorkspaceRecord recorded(VmRecord vm) {
        return store.forVm(vm.id()).orElseThrow(() -> new FailedPreconditionException(Reason.WORKSPACE_MISSING, vm.name()
                + " has no workspace: prepare one with `banger vm workspace prepare " + vm.name() + " [PATH]`"));
    }

    /** A refusal is the user's error (its stderr says why); any other failure is the guest's. */
    private static void require(GuestShell.Outcome o, String what) {
        if (o.exit() == GuestScripts.REFUSED) {
            throw new InvalidArgumentException(o.stderr().strip());
        }
        if (!o.ok()) {
            throw new FailedPreconditionException(what + " failed in the guest (exit " + o.exit() + "): "
                    + lastLines(o.stderr(), 10));
        }
    }

    static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
