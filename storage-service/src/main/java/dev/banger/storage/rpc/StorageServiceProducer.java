package dev.banger.storage.rpc;

import dev.banger.exec.ProcessRunner;
import dev.banger.rpc.ServiceHost;
import dev.banger.storage.StoragePaths;
import dev.banger.storage.StorageService;
import dev.banger.storage.disk.CowBackend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Builds the StorageService from configuration; detects the copy-on-write backend once. */
@ApplicationScoped
public class StorageServiceProducer {
    @ConfigProperty(name = "banger.state-dir")
    Path stateDir;
    @ConfigProperty(name = "banger.owner-uid")
    Optional<Integer> ownerUid;
    /** auto, dm-snapshot, reflink or sparse-copy. */
    @ConfigProperty(name = "banger.storage.cow", defaultValue = "auto")
    String cow;

    @Produces
    @ApplicationScoped
    StorageService storageService() {
        StoragePaths paths = new StoragePaths(stateDir);
        ProcessRunner run = new ProcessRunner();
        paths.ensureDir(paths.vmsDir());
        CowBackend backend = cow.equals("auto") ? CowBackend.detect(run, paths.vmsDir()) : CowBackend.parse(cow);
        return new StorageService(paths, run, backend, ownerUid.orElseGet(ServiceHost::currentUid));
    }
}
