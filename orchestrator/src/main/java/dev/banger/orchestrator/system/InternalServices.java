package dev.banger.orchestrator.system;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where the three internal services listen; the orchestrator is their only client. */
@ApplicationScoped
public class InternalServices {
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
}
