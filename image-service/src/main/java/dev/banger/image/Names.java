package dev.banger.image;

import dev.banger.errors.InvalidArgumentException;
import java.util.regex.Pattern;

/** Image and kernel names: what users type. Checked before anything is created (QA-3). */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private Names() {
    }

    public static String require(String name, String what) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new InvalidArgumentException(what + " name must be 1-63 of a-z 0-9 . _ - starting with a letter or"
                    + " digit, got '" + name + "'");
        }
        return name;
    }
}
