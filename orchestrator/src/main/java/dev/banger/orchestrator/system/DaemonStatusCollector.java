package dev.banger.orchestrator.system;

import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.ServiceStatus;
import dev.banger.proto.common.v1.ServiceInfo;
import dev.banger.common.rpc.UdsChannels;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Asks every internal service for its Health, all at once with a short deadline,
 * so one hung service costs `daemon status` a second, not a minute.
 */
public final class DaemonStatusCollector {
    static final long DEADLINE_MILLIS = 1500;

    private DaemonStatusCollector() {
    }

    public static DaemonStatusResponse collect(ServiceInfo self, Map<String, Path> internal, String stateDir) {
        List<CompletableFuture<ServiceStatus>> pending = new ArrayList<>();
        internal.forEach((name, socket) -> pending.add(CompletableFuture.supplyAsync(() -> probe(name, socket))));
        DaemonStatusResponse.Builder out = DaemonStatusResponse.newBuilder().setStateDir(stateDir)
                .addServices(ServiceStatus.newBuilder().setName(self.getName()).setReachable(true).setInfo(self));
        pending.forEach(f -> out.addServices(f.join()));
        return out.build();
    }

    static ServiceStatus probe(String name, Path socket) {
        ServiceStatus.Builder s = ServiceStatus.newBuilder().setName(name);
        try {
            return s.setReachable(true).setInfo(UdsChannels.check(socket, DEADLINE_MILLIS)).build();
        } catch (StatusRuntimeException e) {
            String why = e.getStatus().getDescription() != null ? e.getStatus().getDescription()
                    : e.getStatus().getCode().toString();
            return s.setReachable(false).setError(socket + ": " + why).build();
        }
    }
}
