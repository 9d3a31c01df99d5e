package dev.banger.image.build;

import java.nio.file.Path;

/** The privileged step of a build: a tar made into an ext4 file (done by the storage service, as root). */
public interface Ext4FromTar {
    void build(Path tar, Path output, long sizeBytes, String label);
}
