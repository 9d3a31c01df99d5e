package dev.banger.common.layout;

import dev.banger.common.fs.Sha256;
import java.nio.file.Path;

/**
 * The storage service's private stage directory (config-disk stages): one per state dir
 * under the temp dir, since several storage services (parallel test daemons) may share
 * /tmp. Named once here for the service and for the tests that look for its leftovers.
 */
public record StorageStageDir(Path dir) {
    /** Stage files start with this; a start-up sweep removes what a killed call left. */
    public static final String CONFIG_STAGE_PREFIX = "config-stage-";

    public static StorageStageDir forStateDir(Path tempDir, Path stateDir) {
        return new StorageStageDir(tempDir.resolve(
                "banger-storage-" + Sha256.hex(stateDir.toAbsolutePath().toString()).substring(0, 12)));
    }

    /** Under this JVM's temp dir (under systemd, the unit's PrivateTmp). */
    public static StorageStageDir forStateDir(Path stateDir) {
        return forStateDir(Path.of(System.getProperty("java.io.tmpdir")), stateDir);
    }
}
