package dev.banger.image.rpc;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.image.build.FakerootExt4;
import dev.banger.image.build.ImageBuilder;
import dev.banger.image.catalog.Catalog;
import dev.banger.image.catalog.Puller;
import dev.banger.image.oci.OciImporter;
import java.util.Map;
import dev.banger.image.registry.ImageFiles;
import java.util.Optional;
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

    @ConfigProperty(name = "banger.cache-dir")
    Path cacheDir;
    @ConfigProperty(name = "banger.guest-agent.jar")
    Optional<Path> agentJar;

    @Produces
    @ApplicationScoped
    ImageRegistry registry(ImageStore store) {
        return new ImageRegistry(store, new ImageFiles(new ProcessRunner()), stateDir.toAbsolutePath());
    }

    @ConfigProperty(name = "banger.catalog.images")
    Optional<Path> imageCatalog;
    @ConfigProperty(name = "banger.catalog.kernels")
    Optional<Path> kernelCatalog;

    @Produces
    @ApplicationScoped
    Puller puller(ImageRegistry registry) {
        return new Puller(registry, stateDir.toAbsolutePath(), cacheDir.toAbsolutePath());
    }

    /** Read at each pull, so an edited catalog file is seen without a restart. */
    public Catalog imageCatalog() {
        return Catalog.load("images", imageCatalog);
    }

    public Catalog kernelCatalog() {
        return Catalog.load("kernels", kernelCatalog);
    }

    /** Registry hosts whose API lives elsewhere: banger.oci.endpoint."HOST"=URL. */
    @ConfigProperty(name = "banger.oci.endpoint")
    Optional<Map<String, String>> ociEndpoints;

    @Produces
    @ApplicationScoped
    OciImporter ociImporter(ImageRegistry registry) {
        return new OciImporter(registry, stateDir.toAbsolutePath(), cacheDir.toAbsolutePath(), agentJar,
                this::ext4FromTar, ociEndpoints.orElse(Map.of()));
    }

    @Produces
    @ApplicationScoped
    ImageBuilder builder(ImageRegistry registry) {
        return new ImageBuilder(registry, new ProcessRunner(), stateDir.toAbsolutePath(), cacheDir.toAbsolutePath(),
                agentJar, this::ext4FromTar);
    }

    /** A kill mid-build or mid-download leaves stage and temp files; nothing is in progress at start. */
    void sweepLeftovers(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent e) {
        var removed = new java.util.ArrayList<Path>();
        removed.addAll(dev.banger.common.fs.StaleTemps.sweep(stateDir.toAbsolutePath().resolve("images"), 2));
        removed.addAll(dev.banger.common.fs.StaleTemps.sweep(cacheDir.toAbsolutePath(), 2));
        if (!removed.isEmpty()) {
            java.util.logging.Logger.getLogger(RegistryProducer.class.getName())
                    .info("removed leftovers of interrupted builds: " + removed);
        }
    }

    private void ext4FromTar(Path tar, Path output, long sizeBytes, String label) {
        new FakerootExt4(new ProcessRunner()).build(tar, output, sizeBytes, label);
    }
}
