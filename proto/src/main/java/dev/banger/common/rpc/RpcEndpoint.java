package dev.banger.common.rpc;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.quarkus.arc.All;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Serves a service's gRPC beans (every {@link BindableService} bean) plus Health on
 * its Unix socket for the life of the process. Present in every service, which sets
 * the build property {@code banger.rpc-endpoint=true}; absent from the CLI, which does not.
 */
@ApplicationScoped
@IfBuildProperty(name = "banger.rpc-endpoint", stringValue = "true")
public class RpcEndpoint {
    @ConfigProperty(name = "banger.service.name")
    String name;
    @ConfigProperty(name = "banger.socket")
    Path socket;
    @ConfigProperty(name = "banger.socket-mode", defaultValue = "rw-rw----")
    String socketMode;
    @ConfigProperty(name = "banger.owner-uid")
    Optional<Integer> ownerUid;
    @ConfigProperty(name = "banger.log-file")
    Optional<String> logFile;
    @All
    List<BindableService> services;
    @All
    List<LocalInterceptor> interceptors;

    private UdsServer server;
    private ServiceIdentity identity;

    void start(@Observes StartupEvent event) {
        identity = new ServiceIdentity(name, socket.toString(), logFile.orElse(""));
        List<BindableService> intercepted = services.stream()
                .<BindableService>map(s -> () -> ServerInterceptors.intercept(s, List.copyOf(interceptors))).toList();
        server = ServiceHost.start(identity, socket, socketMode, ownerUid, intercepted);
    }

    /** What this process says about itself (also served by Health.Check). */
    public ServiceIdentity identity() {
        return identity;
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }
}
