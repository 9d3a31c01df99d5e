package dev.banger.cli.vm;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.output.ErrorReporter;
import dev.banger.cli.output.ProgressPrinter;
import dev.banger.proto.api.v1.CreateVmRequest;
import dev.banger.proto.api.v1.RefsRequest;
import dev.banger.proto.api.v1.RefsResponse;
import dev.banger.proto.api.v1.SshTarget;
import dev.banger.proto.api.v1.SshTargetRequest;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmEvent;
import dev.banger.proto.api.v1.VmSpec;
import dev.banger.proto.api.v1.VmsGrpc;
import dev.banger.proto.common.v1.RefResult;
import io.grpc.Status;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The orchestrator calls behind the vm verbs, with their output. */
final class VmVerbs {
    private VmVerbs() {
    }

    static <T> T call(Function<VmsGrpc.VmsBlockingStub, T> rpc, long seconds) {
        return Orchestrator.call(ch -> rpc.apply(VmsGrpc.newBlockingStub(ch).withDeadlineAfter(seconds, TimeUnit.SECONDS)));
    }

    /** Create (and boot): one progress line per phase, then "ready in Ns" (RUN-4). */
    static Vm create(VmSpec spec, boolean start, ProgressPrinter progress) {
        return create(CreateVmRequest.newBuilder().setSpec(spec).setStart(start).build(), progress);
    }

    static Vm create(CreateVmRequest request, ProgressPrinter progress) {
        long t0 = System.nanoTime();
        Vm vm = call(s -> follow(s.create(request), progress), 600);
        progress.show(dev.banger.proto.common.v1.Progress.newBuilder().setScope("vm create")
                .setPhase(String.format("ready in %.1fs", (System.nanoTime() - t0) / 1e9)).build());
        return vm;
    }

    static Vm follow(Iterator<VmEvent> events, ProgressPrinter progress) {
        Vm last = null;
        while (events.hasNext()) {
            VmEvent e = events.next();
            if (e.hasProgress()) {
                progress.show(e.getProgress());
            } else {
                last = e.getVm();
            }
        }
        return last;
    }

    /** Start-like verbs stream progress and one Vm per ref: print "VERB NAME" for each. */
    static int eachVm(String verb, List<String> refs, Function<VmsGrpc.VmsBlockingStub, Function<RefsRequest,
            Iterator<VmEvent>>> rpc, boolean verbose, long seconds) {
        ProgressPrinter progress = ProgressPrinter.forTerminal(verbose);
        call(s -> {
            Iterator<VmEvent> events = rpc.apply(s).apply(RefsRequest.newBuilder().addAllRefs(refs).build());
            while (events.hasNext()) {
                VmEvent e = events.next();
                if (e.hasProgress()) {
                    progress.show(e.getProgress());
                } else {
                    System.out.println(verb + " " + e.getVm().getName());
                }
            }
            return null;
        }, seconds);
        return 0;
    }

    static SshTarget sshTarget(String ref) {
        return call(s -> s.getSshTarget(SshTargetRequest.newBuilder().setRef(ref).build()), 30);
    }

    /** Prints "VERB NAME" per ref in order and each failure as an error line; exit 1 if any failed. */
    static int refs(String verb, List<String> refs, Function<VmsGrpc.VmsBlockingStub, Function<RefsRequest,
            RefsResponse>> rpc, String signal, long seconds) {
        RefsResponse r = call(s -> rpc.apply(s).apply(RefsRequest.newBuilder().addAllRefs(refs)
                .setSignal(signal == null ? "" : signal).build()), seconds);
        int failed = 0;
        for (RefResult res : r.getResultsList()) {
            if (res.getOk()) {
                System.out.println(verb + " " + res.getRef());
            } else {
                failed++;
                System.err.println(ErrorReporter.format(Status.fromCode(Status.Code.valueOf(res.getErrorKind()))
                        .withDescription(res.getMessage()).asRuntimeException()));
            }
        }
        return failed == 0 ? 0 : ErrorReporter.EXIT_FAILURE;
    }
}
