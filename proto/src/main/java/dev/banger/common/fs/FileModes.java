package dev.banger.common.fs;

import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Permission sets as the mode bits tar and stat use (0755, 0644, ...). */
public final class FileModes {
    private FileModes() {
    }

    public static int bits(Set<PosixFilePermission> permissions) {
        int m = 0;
        for (PosixFilePermission p : permissions) {
            m |= 1 << (8 - p.ordinal()); // OWNER_READ is 0400 ... OTHERS_EXECUTE is 01
        }
        return m;
    }
}
