package dev.banger.storage.rpc;

import dev.banger.exec.ProcessRunner;
import dev.banger.rpc.ServiceHost;
import dev.banger.storage.StoragePaths;
import dev.banger.storage.StorageService;
import dev.banger.storage.disk.CowBackend;
import dev.banger.storage.owner.OwnerCredentials;
import dev.banger.storage.owner.OwnerFiles;
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

    /** The owner's group; by default its primary group from the passwd database. */
    @ConfigProperty(name = "banger.owner-gid")
    Optional<Integer> ownerGid;

    @Produces
    @ApplicationScoped
    StorageService storageService() {
        StoragePaths paths = new StoragePaths(stateDir);
        ProcessRunner root = new ProcessRunner();
        int uid = ownerUid.orElseGet(ServiceHost::currentUid);
        OwnerCredentials owner = ownerGid.map(gid -> new OwnerCredentials(uid, gid))
                .orElseGet(() -> OwnerCredentials.of(uid, root));
        new OwnerFiles(owner.runner()).mkdirs(paths.vmsDir());
        CowBackend backend = cow.equals("auto") ? CowBackend.detect(root, owner.runner(), paths.vmsDir())
                : CowBackend.parse(cow);
        return new StorageService(paths, root, backend, owner, Path.of(System.getProperty("java.io.tmpdir")));
    }
}
