package dev.banger.storage;

import dev.banger.common.ids.Names;
import dev.banger.common.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Validation of what callers hand the storage service; refused before anything is touched. */
public final class StorageInputs {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    public static final long MIN_DISK = 16L << 20;
    public static final long MAX_DISK = 2L << 40;

    private StorageInputs() {
    }

    public static long requireDiskSize(long bytes, String what) {
        if (bytes < MIN_DISK || bytes > MAX_DISK) {
            throw new InvalidArgumentException(what + " must be between 16 MiB and 2 TiB, got " + bytes + " bytes");
        }
        return bytes;
    }

    public static String requireLabel(String label) {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw new InvalidArgumentException("an ext4 label is 1-16 of A-Z a-z 0-9 _ -, got '" + label + "'");
        }
        return label;
    }

    public static String requireHostname(String name) {
        if (!Names.isDnsLabel(name)) {
            throw new InvalidArgumentException("hostname must be one DNS label, got '" + name + "'");
        }
        return name;
    }

    /** Where a copied agent auth file goes in the guest: under /root, no '..', no odd characters. */
    public static Path requireGuestAuthPath(String path) {
        if (path == null || !path.startsWith("/root/") || !path.matches("[A-Za-z0-9_./-]+")) {
            throw new InvalidArgumentException("agent auth files go under /root/, got '" + path + "'");
        }
        Path p = Path.of(path);
        if (!p.normalize().equals(p) || path.contains("/../") || path.endsWith("/..")) {
            throw new InvalidArgumentException("agent auth path must not contain '..': " + path);
        }
        return p;
    }

    /** Single-line values written into config files must not smuggle in more lines. */
    public static String requireOneLine(String value, String what) {
        if (value == null) {
            return "";
        }
        if (value.contains("\n") || value.contains("\r") || value.contains("\0")) {
            throw new InvalidArgumentException(what + " must be one line");
        }
        return value;
    }
}
