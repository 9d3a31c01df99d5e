package dev.banger.common.ids;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/** The one source of randomness for ids, names, tokens and temp suffixes (a CSPRNG: tokens are secrets). */
public final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {
    }

    /** {@code bytes} random bytes as lower-case hex (twice as many characters). */
    public static String hex(int bytes) {
        return HexFormat.of().formatHex(bytes(bytes));
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static <T> T pick(List<T> from) {
        return from.get(RANDOM.nextInt(from.size()));
    }

    /** A new VM or image id: 16 hex characters. */
    public static String newId() {
        return hex(8);
    }
}
