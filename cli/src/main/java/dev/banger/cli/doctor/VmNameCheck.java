package dev.banger.cli.doctor;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.config.BangerPaths;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmState;
import dev.banger.proto.api.v1.VmsGrpc;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Doctor's NET-4 line: does this host's own resolver (what curl and browsers use) find NAME.vm? */
final class VmNameCheck {
    static final String NAME = ".vm names";

    private VmNameCheck() {
    }

    static Check run(DaemonStatusResponse status, BangerPaths paths) {
        Optional<Vm> running;
        try {
            running = Orchestrator.call(paths, ch -> VmsGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .list(ListVmsRequest.getDefaultInstance())).getVmsList().stream()
                    .filter(v -> v.getState() == VmState.RUNNING && !v.getIp().isEmpty()).findFirst();
        } catch (RuntimeException e) {
            return Check.warn(NAME, "cannot list VMs: " + e.getMessage(), "banger daemon status");
        }
        String how = status.getHostNames().isEmpty() ? "" : " (" + status.getHostNames() + ")";
        if (running.isEmpty()) {
            return Check.pass(NAME, "no running VM to look up" + how);
        }
        return verdict(running.get().getName() + ".vm", running.get().getIp(), how);
    }

    static Check verdict(String host, String ip, String how) {
        try {
            String found = InetAddress.getByName(host).getHostAddress();
            return found.equals(ip) ? Check.pass(NAME, host + " resolves to " + ip + how)
                    : Check.warn(NAME, host + " resolves to " + found + ", not " + ip + how,
                            "an older entry for it shadows banger's: look in /etc/hosts");
        } catch (UnknownHostException e) {
            return Check.warn(NAME, "this host does not resolve " + host + how,
                    "banger ssh-config --install makes ssh reach it anyway; net.names in banger's config chooses how"
                            + " the host is told (auto, resolved, hosts-file)");
        }
    }
}
