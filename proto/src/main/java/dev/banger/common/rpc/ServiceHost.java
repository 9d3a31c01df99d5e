package dev.banger.common.rpc;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Starts one banger service's RPC endpoint: Health plus the service's own gRPC
 * services, on the configured Unix socket, restricted to the owner uid and root.
 * Each service's Quarkus bootstrap bean calls this with its settings.
 */
public final class ServiceHost {
    private static final Logger LOG = Logger.getLogger(ServiceHost.class.getName());

    private ServiceHost() {
    }

    public static UdsServer start(ServiceIdentity identity, Path socket, String socketMode, Optional<Integer> ownerUid,
            Iterable<BindableService> services) {
        int owner = ownerUid.orElseGet(ServiceHost::currentUid);
        List<BindableService> all = new ArrayList<>();
        all.add(new HealthService(identity));
        services.forEach(all::add);
        HealthStatusManager health = new HealthStatusManager();
        for (BindableService s : all) {
            health.setStatus(s.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
        }
        // What a generic client needs with no .proto files (API-1): the standard health
        // service, and server reflection in both versions clients still speak.
        all.add(health.getHealthService());
        all.add(ProtoReflectionServiceV1.newInstance());
        all.add(deprecatedReflection());
        try {
            UdsServer server = UdsServer.start(socket, socketMode, owner, all, health);
            LOG.info(identity.name() + " " + BuildInfo.describe(BuildInfo.current()) + " serving on " + socket
                    + " for uid " + owner + " and root");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve on " + socket + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("deprecation")
    private static BindableService deprecatedReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance(); // v1alpha: older grpcurl
    }

    /** This process's real uid, read from /proc (the JDK has no direct API for it). */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
