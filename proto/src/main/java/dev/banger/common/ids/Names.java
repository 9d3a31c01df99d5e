package dev.banger.common.ids;

import dev.banger.common.errors.InvalidArgumentException;
import java.util.regex.Pattern;

/**
 * The naming rules every service checks, each in one place: VM ids and image ids (made
 * by banger), VM names and hostnames (one DNS label, VM-2), image and kernel names (what
 * users type). A rule is checked where the value enters, never normalised.
 */
public final class Names {
    private static final Pattern VM_ID = Pattern.compile("[a-z0-9]{1,32}");
    private static final Pattern IMAGE_ID = Pattern.compile("[a-z0-9]{1,64}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IMAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private Names() {
    }

    public static String requireVmId(String id) {
        if (id == null || !VM_ID.matcher(id).matches()) {
            throw new InvalidArgumentException("vm_id must be 1-32 lowercase letters or digits, got '" + id + "'");
        }
        return id;
    }

    public static String requireImageId(String id) {
        if (id == null || !IMAGE_ID.matcher(id).matches()) {
            throw new InvalidArgumentException("image_id must be 1-64 lowercase letters or digits, got '" + id + "'");
        }
        return id;
    }

    /** One DNS label: 1-63 of a-z 0-9 '-', no '-' at either end. */
    public static boolean isDnsLabel(String name) {
        return name != null && DNS_LABEL.matcher(name).matches();
    }

    public static String requireVmName(String name) {
        if (!isDnsLabel(name)) {
            throw new InvalidArgumentException("VM name must be 1-63 lowercase letters, digits or '-', not starting or"
                    + " ending with '-' (one DNS label), got '" + name + "'");
        }
        return name;
    }

    /** Image and kernel names ({@code what}: "image" or "kernel"). */
    public static String requireImageName(String name, String what) {
        if (name == null || !IMAGE_NAME.matcher(name).matches() || name.contains("..")) {
            throw new InvalidArgumentException(what + " name must be 1-63 of a-z 0-9 . _ - starting with a letter or"
                    + " digit, got '" + name + "'");
        }
        return name;
    }
}
