package dev.banger.image.rpc;

import dev.banger.exec.ProcessRunner;
import dev.banger.image.registry.ImageFiles;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.image.store.ImageStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

@ApplicationScoped
public class RegistryProducer {
    @ConfigProperty(name = "banger.state-dir")
    Path stateDir;

    @Produces
    @ApplicationScoped
    ImageRegistry registry(ImageStore store) {
        return new ImageRegistry(store, new ImageFiles(new ProcessRunner()), stateDir.toAbsolutePath());
    }
}
