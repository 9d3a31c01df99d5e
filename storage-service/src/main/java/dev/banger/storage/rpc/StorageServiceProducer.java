package dev.banger.storage.rpc;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.common.testhook.StepPause;
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

    /** Crash tests only: storage:STEP where a call waits to be killed (StepPause), and its marker file. */
    @ConfigProperty(name = "banger.test.pause-at")
    Optional<String> pauseAt;
    @ConfigProperty(name = "banger.test.pause-marker")
    Optional<Path> pauseMarker;

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
        StorageService storage = new StorageService(paths, root, backend, owner, privateTmp());
        storage.sweepLeftovers();
        storage.pauseAt(StepPause.configured(pauseAt, pauseMarker, StepPause.markerIn(stateDir)));
        return storage;
    }

    /**
     * This service's own stage directory: one per state dir (several storage services,
     * e.g. parallel test daemons, may share /tmp), root's alone (0700). Under systemd the
     * unit's PrivateTmp holds it.
     */
    private Path privateTmp() {
        Path dir = dev.banger.common.layout.StorageStageDir.forStateDir(stateDir).dir();
        try {
            if (!java.nio.file.Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                java.nio.file.Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x")));
            }
            if ((int) java.nio.file.Files.getAttribute(dir, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    != ServiceHost.currentUid()) {
                throw new IllegalStateException(dir + " belongs to someone else: refusing to stage in it");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make " + dir, e);
        }
        return dir;
    }
}
