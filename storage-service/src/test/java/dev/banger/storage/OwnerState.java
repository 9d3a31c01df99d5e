package dev.banger.storage;

import dev.banger.common.exec.CommandRunner;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.storage.owner.OwnerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A state directory the way system install lays it out: owned by an unprivileged owner
 * (uid 65534 when the tests run as root, else the test's own uid), with one image in it
 * made by that owner.
 */
record OwnerState(Path state, OwnerCredentials owner) {
    static final int NOBODY = 65534;

    static OwnerState create(Path tmp) throws IOException {
        boolean root = ServiceHost.currentUid() == 0;
        OwnerCredentials owner = root ? new OwnerCredentials(NOBODY, NOBODY)
                : new OwnerCredentials(ServiceHost.currentUid(), ServiceHost.currentUid());
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Files.setAttribute(state, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(state, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
        return new OwnerState(state, owner);
    }

    CommandRunner asOwner() {
        return owner.runner();
    }

    /** An image the owner made: rootfs populated from tree (readable by anyone), an empty work seed. */
    void makeImage(String imageId, Path tree) throws IOException {
        StoragePaths paths = new StoragePaths(state);
        asOwner().check("mkdir", "-p", paths.imageDir(imageId).toString());
        asOwner().check("mkfs.ext4", "-q", "-F", "-L", "rootfs", "-d", tree.toString(),
                paths.imageRootfs(imageId).toString(), "64M");
        asOwner().check("mkfs.ext4", "-q", "-F", "-L", "work", paths.imageWorkSeed(imageId).toString(), "16M");
    }
}
