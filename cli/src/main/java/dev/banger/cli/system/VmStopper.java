package dev.banger.cli.system;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.config.BangerPaths;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.RefsRequest;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmState;
import dev.banger.proto.api.v1.VmsGrpc;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Before the units go: every running VM is stopped (its disks stay), or with purge
 * deleted, through the orchestrator, so no VMM is left running without banger.
 */
final class VmStopper {
    private VmStopper() {
    }

    static void stopAll(BangerPaths paths, boolean purge, PrintStream out) {
        try {
            Orchestrator.call(paths, ch -> {
                VmsGrpc.VmsBlockingStub vms = VmsGrpc.newBlockingStub(ch);
                List<Vm> all = vms.withDeadlineAfter(30, TimeUnit.SECONDS).list(ListVmsRequest.getDefaultInstance())
                        .getVmsList();
                List<String> targets = all.stream().filter(v -> purge || v.getState() == VmState.RUNNING)
                        .map(Vm::getName).toList();
                if (!targets.isEmpty()) {
                    RefsRequest refs = RefsRequest.newBuilder().addAllRefs(targets).build();
                    if (purge) {
                        vms.withDeadlineAfter(300, TimeUnit.SECONDS).delete(refs);
                    } else {
                        vms.withDeadlineAfter(300, TimeUnit.SECONDS).stop(refs);
                    }
                    out.println((purge ? "deleted VM(s) " : "stopped VM(s) ") + String.join(", ", targets));
                }
                return null;
            });
        } catch (RuntimeException e) {
            out.println("the orchestrator does not answer (" + e.getMessage() + "): VMs are left as they are");
        }
    }
}
