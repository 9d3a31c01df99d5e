package dev.banger.cli.output;

/** Byte counts for people: 512 B, 64.0 MiB, 1.9 GiB; and back from 512M, 8G, 1T. */
public final class Sizes {
    private Sizes() {
    }

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** 512M, 8G, 1T or plain bytes; what names the setting in the error. */
    public static long parse(String s, String what) {
        try {
            return dev.banger.common.config.ByteSizes.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UserError(ErrorKind.BAD_REQUEST, what + " " + e.getMessage());
        }
    }
}
