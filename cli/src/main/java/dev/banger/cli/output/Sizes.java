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
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,12})([KMGT]?)").matcher(s);
        if (!m.matches()) {
            throw new UserError(ErrorKind.BAD_REQUEST, what + " must be a size like 512M or 8G, got '" + s + "'");
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > Long.MAX_VALUE >> shift) { // a shift would wrap round: 17179869185G is not 1 GiB
            throw new UserError(ErrorKind.BAD_REQUEST, what + " '" + s + "' is more bytes than banger can count");
        }
        return n << shift;
    }
}
