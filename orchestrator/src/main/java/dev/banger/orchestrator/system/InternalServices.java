package dev.banger.orchestrator.system;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.rpc.UdsChannels;
import io.grpc.ManagedChannel;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where the three internal services listen, and one long-lived connection to each
 * (opened on first use; a connection re-dials by itself if a service restarts). The
 * orchestrator is their only client.
 */
@ApplicationScoped
public class InternalServices {
    private final Map<String, UdsChannels.Connection> connections = new ConcurrentHashMap<>();

    @ConfigProperty(name = "banger.net.socket")
    Path net;
    @ConfigProperty(name = "banger.storage.socket")
    Path storage;
    @ConfigProperty(name = "banger.image.socket")
    Path image;

    /** Name to socket, in the order status lists them. */
    public Map<String, Path> sockets() {
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("net", net);
        m.put("storage", storage);
        m.put("image", image);
        return m;
    }

    public ManagedChannel channel(String service) {
        Path socket = sockets().get(service);
        if (socket == null) {
            throw new InvalidArgumentException("no internal service named " + service);
        }
        return connections.computeIfAbsent(service, s -> UdsChannels.connect(socket)).channel();
    }

    @PreDestroy
    void close() {
        connections.values().forEach(UdsChannels.Connection::close);
        connections.clear();
    }
}
