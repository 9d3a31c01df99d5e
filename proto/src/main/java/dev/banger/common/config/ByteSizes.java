package dev.banger.common.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them: 512M, 8G, 1T or plain bytes. */
public final class ByteSizes {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,12})([KMGT]?)");

    private ByteSizes() {
    }

    /** Throws IllegalArgumentException saying what a size looks like. */
    public static long parse(String s) {
        Matcher m = FORM.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a size like 512M or 8G, got '" + s + "'");
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
            throw new IllegalArgumentException("'" + s + "' is more bytes than banger can count");
        }
        return n << shift;
    }
}
