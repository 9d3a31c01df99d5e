package dev.banger.common.layout;

import java.nio.file.Path;

/** The files of one image's directory ({@code STATE/images/ID/}), named once for the image and storage services. */
public record ImageDir(Path dir) {
    /** The read-only root filesystem every VM of the image starts from. */
    public Path rootfs() {
        return dir.resolve("rootfs.ext4");
    }

    /** The work disk a new VM's is grown from. */
    public Path workSeed() {
        return dir.resolve("work-seed.ext4");
    }
}
