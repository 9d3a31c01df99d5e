package dev.banger.orchestrator.vm;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import dev.banger.orchestrator.store.VmState;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.orchestrator.lifecycle.StepLog;
import dev.banger.orchestrator.ops.Operations;
import dev.banger.orchestrator.lifecycle.VmLifecycle;
import dev.banger.orchestrator.lifecycle.Workers;
import dev.banger.orchestrator.ssh.SshKeys;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.proto.api.v1.CreateVmRequest;
import dev.banger.proto.api.v1.GetVmRequest;
import dev.banger.proto.api.v1.PruneRequest;
import dev.banger.proto.api.v1.PruneResponse;
import dev.banger.proto.api.v1.SetVmRequest;
import dev.banger.proto.api.v1.RefsRequest;
import dev.banger.proto.api.v1.RefsResponse;
import dev.banger.proto.api.v1.SshTarget;
import dev.banger.proto.api.v1.SshTargetRequest;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmEvent;
import dev.banger.proto.api.v1.VmSpec;
import dev.banger.proto.common.v1.Progress;
import dev.banger.proto.common.v1.RefResult;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ArrayList;
import java.util.function.BiConsumer;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.ListVmsResponse;
import dev.banger.proto.api.v1.VmsGrpc;
import dev.banger.proto.api.v1.MutinyVmsGrpc;
import dev.banger.orchestrator.workspace.WorkspacePlan;
import dev.banger.orchestrator.workspace.WorkspaceProgress;
import dev.banger.orchestrator.workspace.Workspaces;
import dev.banger.proto.api.v1.WorkspaceEvent;
import dev.banger.proto.api.v1.WorkspaceExportChunk;
import dev.banger.proto.api.v1.WorkspaceExportRequest;
import dev.banger.proto.api.v1.WorkspacePrepareRequest;
import dev.banger.common.rpc.ErrorReasons;
import dev.banger.common.rpc.Rpc;
import dev.banger.orchestrator.reach.PortTable;
import dev.banger.orchestrator.reach.VmReach;
import dev.banger.proto.api.v1.LogChunk;
import dev.banger.proto.api.v1.LogsRequest;
import dev.banger.proto.api.v1.Port;
import dev.banger.proto.api.v1.PortsRequest;
import dev.banger.proto.api.v1.PortsResponse;
import dev.banger.proto.api.v1.StatsRequest;
import dev.banger.proto.api.v1.StatsResponse;
import dev.banger.proto.api.v1.VmStats;
import dev.banger.orchestrator.sessions.VmSessions;
import dev.banger.proto.api.v1.Session;
import dev.banger.proto.api.v1.SessionInput;
import dev.banger.proto.api.v1.SessionListResponse;
import dev.banger.proto.api.v1.SessionRef;
import dev.banger.proto.api.v1.SessionStartRequest;
import jakarta.inject.Singleton;

/** gRPC adapter for the public Vms API: each verb hands its request to the feature's own class. */
@Singleton
public class VmsGrpcService extends MutinyVmsGrpc.VmsImplBase {
    private final VmStore store;
    private final VmLifecycle lifecycle;
    private final SshKeys keys;
    private final Workspaces workspaces;
    private final VmReach reach;
    private final VmSessions sessions;
    private final dev.banger.orchestrator.pool.WarmPool pool;
    /** Runs multi-ref verbs' refs side by side. */
    private final Workers perRef = new Workers("vm-ref", 64);

    public VmsGrpcService(VmStore store, VmLifecycle lifecycle, SshKeys keys, Workspaces workspaces, VmReach reach,
            VmSessions sessions, dev.banger.orchestrator.pool.WarmPool pool) {
        this.pool = pool;
        this.reach = reach;
        this.sessions = sessions;
        this.store = store;
        this.lifecycle = lifecycle;
        this.keys = keys;
        this.workspaces = workspaces;
    }

    @Override
    public Multi<VmEvent> create(CreateVmRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> {
            BiConsumer<String, String> progress = progress("vm create", t0, events);
            VmSpec s = r.getSpec();
            VmLifecycle.Request request = new VmLifecycle.Request(s.getName(), s.getImage(),
                    s.hasVcpu() ? s.getVcpu() : null, s.hasMemoryMib() ? s.getMemoryMib() : null,
                    s.hasDiskSizeBytes() ? s.getDiskSizeBytes() : null,
                    s.hasSystemOverlaySizeBytes() ? s.getSystemOverlaySizeBytes() : null, s.getNat(),
                    s.getInit() == dev.banger.proto.api.v1.GuestInit.SYSTEMD ? dev.banger.orchestrator.vmm.GuestInit.SYSTEMD
                            : dev.banger.orchestrator.vmm.GuestInit.LEAN, seconds(s.getTtlSeconds()),
                    seconds(s.getIdleStopSeconds()), s.getFromSnapshot());
            java.util.Optional<VmRecord> warm = r.getStart() && r.getWarm() ? pool.take(request, progress)
                    : java.util.Optional.empty();
            VmRecord vm = warm.isPresent() ? warm.get() : lifecycle.create(request, progress);
            if (r.getStart() && warm.isEmpty()) {
                try {
                    vm = lifecycle.start(vm.id(), progress);
                } catch (RuntimeException e) {
                    if (r.getDeleteOnFailure()) {
                        deleteAfterFailedStart(vm, e);
                    }
                    throw e;
                }
            }
            // vm run --rm interrupted while booting or taking a ready VM (Ctrl-C): nobody will
            // ever delete it but us.
            if (r.getStart() && r.getDeleteOnFailure() && events.cancelled()) {
                lifecycle.delete(vm.id());
                throw io.grpc.Status.CANCELLED.withDescription("the caller went away; " + vm.name()
                        + " was deleted").asRuntimeException();
            }
            return VmEvent.newBuilder().setVm(VmMessages.toProto(vm)).build();
        });
    }

    /** The start's own failure is what the caller hears; one of the delete rides along with it. */
    private void deleteAfterFailedStart(VmRecord vm, RuntimeException failure) {
        try {
            lifecycle.delete(vm.id());
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** WS-3. */
    @Override
    public Uni<Session> sessionStart(SessionStartRequest r) {
        return Rpc.unary(() -> {
            VmSessions.Started s = sessions.start(r.getRef(), r.getName(), r.getCwd(), r.getArgvList());
            return SessionMessages.toProto(s.vm().name(), s.session()).toBuilder().addAllArgv(r.getArgvList()).build();
        });
    }

    @Override
    public Uni<SessionListResponse> sessionList(GetVmRequest r) {
        return Rpc.unary(() -> {
            String vm = store.resolve(r.getRef()).name();
            SessionListResponse.Builder out = SessionListResponse.newBuilder();
            sessions.list(r.getRef()).forEach(s -> out.addSessions(SessionMessages.toProto(vm, s)));
            return out.build();
        });
    }

    @Override
    public Uni<Session> sessionStop(SessionRef r) {
        return Rpc.unary(() -> SessionMessages.toProto(store.resolve(r.getRef()).name(), sessions.stop(r.getRef(),
                r.getName())));
    }

    @Override
    public Multi<LogChunk> sessionLogs(SessionRef r) {
        return Rpc.stream(events -> {
            sessions.logs(r.getRef(), r.getName(), r.getFollow(), b -> events.send(chunk(b)), events::cancelled);
            return null;
        });
    }

    /** The first request names the session; later ones are its stdin. The client closing its side detaches. */
    @Override
    public Multi<LogChunk> sessionAttach(Multi<SessionInput> requests) {
        return Multi.createFrom().<LogChunk>emitter(emitter -> {
            java.util.concurrent.atomic.AtomicReference<SessionRef> target = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean detached = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CountDownLatch named = new java.util.concurrent.CountDownLatch(1);
            requests.subscribe().with(in -> {
                if (target.compareAndSet(null, in.getSession())) {
                    named.countDown();
                }
                if (!in.getData().isEmpty()) {
                    try {
                        sessions.write(target.get().getRef(), target.get().getName(), in.getData().toByteArray());
                    } catch (RuntimeException e) {
                        emitter.fail(Rpc.toStatus(e));
                    }
                }
            }, failure -> detached.set(true), () -> detached.set(true));
            Thread output = new Thread(() -> {
                try {
                    if (!named.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new dev.banger.common.errors.InvalidArgumentException("the first message must name the session");
                    }
                    sessions.attachOutput(target.get().getRef(), target.get().getName(), b -> emitter.emit(chunk(b)),
                            () -> detached.get() || emitter.isCancelled());
                    emitter.complete();
                } catch (RuntimeException e) {
                    emitter.fail(Rpc.toStatus(e));
                } catch (InterruptedException e) {
                    emitter.complete();
                }
            }, "session-attach");
            output.setDaemon(true);
            output.start();
        });
    }

    private static LogChunk chunk(byte[] b) {
        return LogChunk.newBuilder().setData(com.google.protobuf.ByteString.copyFrom(b)).build();
    }

    /** NET-6. */
    @Override
    public Uni<PortsResponse> ports(PortsRequest r) {
        return Rpc.unary(() -> {
            PortsResponse.Builder out = PortsResponse.newBuilder();
            for (PortTable.Row row : reach.ports(r.getRef())) {
                out.addPorts(Port.newBuilder().setProto(row.proto()).setEndpoint(row.endpoint()).setPort(row.port())
                        .setReachable(row.reachable()).setPid(row.pid()).setProcess(row.process())
                        .setCommand(row.command()).setUrl(row.url()));
            }
            return out.build();
        });
    }

    /** VM-11. */
    @Override
    public Uni<StatsResponse> stats(StatsRequest r) {
        return Rpc.unary(() -> {
            StatsResponse.Builder out = StatsResponse.newBuilder();
            try {
                for (VmReach.Stats s : reach.stats(r.getRefsList())) {
                    out.addStats(VmStats.newBuilder().setName(s.vm().name()).setCpuPercent(s.usage().cpuPercent())
                            .setRssBytes(s.usage().rssBytes()).setVmmPid(s.vm().vmmPid() == null ? 0 : s.vm().vmmPid().intValue())
                            .setGuestMemoryTotalBytes(s.guest().getOrDefault("mem_total_bytes", 0L))
                            .setGuestMemoryAvailableBytes(s.guest().getOrDefault("mem_available_bytes", 0L))
                            .setGuestUptimeSeconds(s.guest().getOrDefault("uptime_seconds", 0L))
                            .setAgentError(s.agentError()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw io.grpc.Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
            return out.build();
        });
    }

    /** VM-11: the log's bytes, then with follow what is appended, until the caller goes away. */
    @Override
    public Multi<LogChunk> logs(LogsRequest r) {
        return Rpc.stream(events -> {
            reach.logs(r.getRef(), r.getConsole(), r.getFollow(),
                    b -> events.send(chunk(b)), events::cancelled);
            return null;
        });
    }

    @Override
    public Multi<VmEvent> start(RefsRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> streamEach(r, events, ref -> lifecycle.start(ref, progress("vm start", t0, events))));
    }

    @Override
    public Multi<VmEvent> restart(RefsRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> streamEach(r, events,
                ref -> lifecycle.restart(ref, progress("vm restart", t0, events))));
    }

    @Override
    public Uni<RefsResponse> set(SetVmRequest r) {
        return Rpc.unary(() -> each(RefsRequest.newBuilder().addAllRefs(r.getRefsList()).build(),
                ref -> lifecycle.set(ref, r.hasVcpu() ? r.getVcpu() : null, r.hasMemoryMib() ? r.getMemoryMib() : null)));
    }

    /** VM-4: the lifecycle's prune candidates; dry_run lists them for the confirmation table. */
    @Override
    public Uni<PruneResponse> prune(PruneRequest r) {
        return Rpc.unary(() -> {
            PruneResponse.Builder out = PruneResponse.newBuilder();
            java.util.List<VmRecord> candidates = lifecycle.pruneCandidates();
            candidates.forEach(v -> out.addCandidates(VmMessages.toProto(v)));
            if (!r.getDryRun()) {
                out.addAllResults(each(RefsRequest.newBuilder().addAllRefs(candidates.stream().map(VmRecord::name).toList())
                        .build(), lifecycle::deleteUnlessRunning).getResultsList());
            }
            return out.build();
        });
    }

    @Override
    public Uni<RefsResponse> stop(RefsRequest r) {
        return Rpc.unary(() -> each(r, ref -> lifecycle.stop(ref)));
    }

    @Override
    public Uni<RefsResponse> kill(RefsRequest r) {
        return Rpc.unary(() -> each(r, ref -> lifecycle.kill(ref, r.getSignal())));
    }

    @Override
    public Uni<RefsResponse> delete(RefsRequest r) {
        return Rpc.unary(() -> each(r, ref -> lifecycle.delete(ref)));
    }

    @Override
    public Uni<Vm> get(GetVmRequest r) {
        return Rpc.unary(() -> {
            VmRecord vm = store.resolve(r.getRef());
            Vm.Builder b = VmMessages.toProto(vm).toBuilder().setAgent(r.getWithoutAgent() ? "" : lifecycle.agentStatus(vm));
            workspaces.of(vm).ifPresent(w -> b.setWorkspaceHead(w.headCommit()).setWorkspaceHostPath(w.hostPath()));
            return b.build();
        });
    }

    @Override
    public Uni<dev.banger.proto.api.v1.WorkspacePlan> planWorkspace(WorkspacePrepareRequest r) {
        return Rpc.unary(() -> WorkspaceMessages.toProto(workspaces.plan(WorkspaceMessages.request(r))));
    }

    /**
     * WS-1: the plan first, then progress, then the guest path; a dry run sends the plan
     * and every path that would be sent, and needs no VM. With again, the VM's last
     * prepare is repeated as it was.
     */
    @Override
    public Multi<WorkspaceEvent> workspacePrepare(WorkspacePrepareRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> {
            VmRecord vm = r.getDryRun() && r.getRef().isEmpty() ? null : store.resolve(r.getRef());
            WorkspacePlan plan = workspaces.plan(r.getAgain() && vm != null ? workspaces.lastRequest(vm)
                    : WorkspaceMessages.request(r));
            events.send(WorkspaceEvent.newBuilder().setPlan(WorkspaceMessages.toProto(plan)).build());
            if (r.getDryRun()) {
                workspaces.sentPaths(plan).forEach(p -> events.send(WorkspaceEvent.newBuilder().setDryRunPath(p)
                        .build()));
                return null;
            }
            Operations.touch(vm.name(), vm.id());
            store.touchActivity(vm.id(), java.time.Instant.now());
            if (r.getBootstrap()) {
                workspaces.requireNetworkForTools(vm, plan);
            }
            WorkspaceProgress progress = workspaceProgress(t0, events);
            // Each phase in the orchestrator's log too, with its duration and op id.
            StepLog log = new StepLog("workspace prepare", vm.name(), progress::phase);
            WorkspaceProgress logged = new WorkspaceProgress() {
                @Override
                public void phase(String phase, String detail) {
                    log.accept(phase, detail);
                }

                @Override
                public void warning(String message) {
                    progress.warning(message);
                }
            };
            try {
                workspaces.prepare(vm, plan, logged);
                if (r.getBootstrap()) {
                    workspaces.bootstrap(vm, plan, logged);
                }
                log.done(null);
            } catch (RuntimeException e) {
                log.done(e);
                throw e;
            }
            return WorkspaceEvent.newBuilder().setPreparedPath(plan.guestPath()).build();
        });
    }

    /** WS-2: the patch in chunks as the guest writes it. */
    @Override
    public Multi<WorkspaceExportChunk> workspaceExport(WorkspaceExportRequest r) {
        return Rpc.stream(events -> {
            VmRecord vm = store.resolve(r.getRef());
            String base = workspaces.exportBase(vm, r.getBaseCommit());
            ChunkStream out = new ChunkStream(events, base);
            workspaces.export(vm, base, out);
            out.close();
            return null;
        });
    }

    /** Cuts a byte stream into WorkspaceExportChunk messages; the first carries the base commit. */
    private static final class ChunkStream extends java.io.OutputStream {
        private static final int SIZE = 256 * 1024;
        private final Rpc.Events<WorkspaceExportChunk> response;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(SIZE);
        private final String base;
        private boolean first = true;

        ChunkStream(Rpc.Events<WorkspaceExportChunk> response, String base) {
            this.response = response;
            this.base = base;
        }

        @Override
        public void write(int b) {
            buf.write(b);
            if (buf.size() >= SIZE) {
                send();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buf.write(b, off, len);
            if (buf.size() >= SIZE) {
                send();
            }
        }

        private void send() {
            WorkspaceExportChunk.Builder c = WorkspaceExportChunk.newBuilder()
                    .setData(com.google.protobuf.ByteString.copyFrom(buf.toByteArray()));
            if (first) {
                c.setBaseCommit(base);
            }
            response.send(c.build());
            first = false;
            buf.reset();
        }

        /** The rest, and always one chunk with the base commit, so an empty patch still names its base. */
        @Override
        public void close() {
            if (buf.size() > 0 || first) {
                send();
            }
        }
    }

    private static WorkspaceProgress workspaceProgress(long t0, Rpc.Events<WorkspaceEvent> response) {
        return new WorkspaceProgress() {
            @Override
            public void phase(String phase, String detail) {
                send(Progress.newBuilder().setPhase(phase).setDetail(detail));
            }

            @Override
            public void warning(String message) {
                send(Progress.newBuilder().setPhase("warning").setDetail(message).setWarning(true));
            }

            private void send(Progress.Builder p) {
                response.send(WorkspaceEvent.newBuilder().setProgress(p.setScope("workspace")
                        .setElapsedMillis((System.nanoTime() - t0) / 1_000_000)).build());
            }
        };
    }

    /** SNAP-1. */
    @Override
    public Uni<dev.banger.proto.api.v1.VmSnapshot> snapshot(dev.banger.proto.api.v1.SnapshotRequest r) {
        return Rpc.unary(() -> {
            var s = lifecycle.snapshot(r.getRef(), r.getName(), (phase, detail) -> { });
            return VmMessages.toProto(s, lifecycle.pendingRestores(s));
        });
    }

    @Override
    public Multi<VmEvent> fork(dev.banger.proto.api.v1.ForkRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> {
            for (VmRecord copy : lifecycle.fork(r.getRef(), r.getCount() == 0 ? 1 : r.getCount(),
                    progress("vm fork", t0, events))) {
                synchronized (events) {
                    events.send(VmEvent.newBuilder().setVm(VmMessages.toProto(copy)).build());
                }
            }
            return null;
        });
    }

    @Override
    public Uni<dev.banger.proto.api.v1.ListSnapshotsResponse> listSnapshots(
            dev.banger.proto.api.v1.ListSnapshotsRequest r) {
        return Rpc.unary(() -> dev.banger.proto.api.v1.ListSnapshotsResponse.newBuilder()
                .addAllSnapshots(lifecycle.snapshots().stream()
                        .map(s -> VmMessages.toProto(s, lifecycle.pendingRestores(s))).toList())
                .build());
    }

    @Override
    public Uni<dev.banger.proto.api.v1.VmSnapshot> deleteSnapshot(dev.banger.proto.api.v1.SnapshotRef r) {
        return Rpc.unary(() -> VmMessages.toProto(lifecycle.deleteSnapshot(r.getRef()), List.of()));
    }

    /** SNAP-4. */
    @Override
    public Uni<RefsResponse> pause(RefsRequest r) {
        return Rpc.unary(() -> each(r, ref -> lifecycle.pause(ref)));
    }

    @Override
    public Uni<RefsResponse> resume(RefsRequest r) {
        return Rpc.unary(() -> each(r, ref -> lifecycle.resume(ref)));
    }

    private static java.time.Duration seconds(long s) {
        if (s < 0) {
            throw new dev.banger.common.errors.InvalidArgumentException("a duration cannot be negative, got " + s + " s");
        }
        return s == 0 ? null : java.time.Duration.ofSeconds(s);
    }

    /** How the CLI reaches a VM with ssh: banger's key and known_hosts, never the user's (NET-5). */
    @Override
    public Uni<SshTarget> getSshTarget(SshTargetRequest r) {
        return Rpc.unary(() -> {
            VmRecord vm = store.resolve(r.getRef());
            vm.requireRunning();
            store.touchActivity(vm.id(), java.time.Instant.now()); // ssh and exec: the VM is in use (--idle-stop)
            keys.publicKey();
            SshTarget.Builder t = SshTarget.newBuilder().setHost(vm.ip()).setPort(22).setUser("root")
                    .setIdentityFile(keys.privateKey().toString()).setKnownHostsFile(keys.knownHosts().toString());
            workspaces.of(vm).ifPresent(w -> t.setWorkspacePath(w.guestPath()).setWorkspaceStale(workspaces.stale(w)));
            return t.build();
        });
    }

    /**
     * VM-3: each ref once, all at the same time (each VM's own lock still orders what
     * is done to one VM), results in the order given; one failing does not stop the others.
     */
    private RefsResponse each(RefsRequest r, java.util.function.Function<String, VmRecord> action) {
        RefsResponse.Builder out = RefsResponse.newBuilder();
        for (Outcome o : concurrently(r, action)) {
            RefResult.Builder res = RefResult.newBuilder().setRef(o.ref());
            if (o.failure() == null) {
                res.setOk(true).setId(o.vm().id());
            } else {
                var failure = Rpc.toStatus(o.failure());
                res.setOk(false).setErrorKind(failure.getStatus().getCode().name())
                        .setMessage(String.valueOf(failure.getStatus().getDescription()));
                ErrorReasons.of(failure).ifPresent(reason -> res.setReason(reason.name()));
            }
            out.addResults(res);
        }
        return out.build();
    }

    /**
     * Start-like verbs: all refs at the same time, progress as it happens, then one Vm
     * per ref in the order given; the first failure (in that order) ends the stream once
     * every ref has finished.
     */
    private VmEvent streamEach(RefsRequest r, Rpc.Events<VmEvent> response,
            java.util.function.Function<String, VmRecord> action) {
        List<Outcome> outcomes = concurrently(r, action);
        for (Outcome o : outcomes) {
            if (o.failure() != null) {
                throw o.failure();
            }
            synchronized (response) {
                response.send(VmEvent.newBuilder().setVm(VmMessages.toProto(o.vm())).build());
            }
        }
        return null;
    }

    /** What one ref's action came to: the VM, or its own exception. */
    private record Outcome(String ref, VmRecord vm, RuntimeException failure) {
    }

    /** Each ref's action as a Uni on the bounded pool, all joined; none of them fails the join. */
    private List<Outcome> concurrently(RefsRequest r, java.util.function.Function<String, VmRecord> action) {
        List<Uni<Outcome>> running = new ArrayList<>();
        for (String ref : new LinkedHashSet<>(r.getRefsList())) {
            running.add(perRef.run(() -> action.apply(ref)).onItemOrFailure().transform((vm, failure) ->
                    new Outcome(ref, vm, failure == null ? null : Workers.unchecked(failure))));
        }
        return running.isEmpty() ? List.of() : Workers.await(Uni.join().all(running).andFailFast());
    }

    /** Progress events from concurrent refs share one stream: one event at a time. */
    private static BiConsumer<String, String> progress(String scope, long t0, Rpc.Events<VmEvent> response) {
        return (phase, detail) -> {
            VmEvent event = VmEvent.newBuilder().setProgress(Progress.newBuilder().setScope(scope).setPhase(phase)
                    .setDetail(detail).setElapsedMillis((System.nanoTime() - t0) / 1_000_000)).build();
            synchronized (response) {
                response.send(event);
            }
        };
    }

    @Override
    public Uni<ListVmsResponse> list(ListVmsRequest request) {
        return Rpc.unary(() -> {
            ListVmsResponse.Builder out = ListVmsResponse.newBuilder();
            store.list().forEach(vm -> out.addVms(VmMessages.toProto(vm)));
            return out.build();
        });
    }
}
