package dev.banger.image.build;

import java.nio.file.Path;

/** The last step of a build: a root-tree tar made into an ext4 file. */
public interface Ext4FromTar {
    void build(Path tar, Path output, long sizeBytes, String label);
}
