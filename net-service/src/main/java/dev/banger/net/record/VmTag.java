package dev.banger.net.record;

import java.util.Optional;

/**
 * The kernel is the net service's record: every TAP's alias and every per-VM firewall
 * rule's comment says whose it is, {@code banger:vm=ID}. One place writes and reads it.
 */
public final class VmTag {
    static final String PREFIX = "banger:vm=";

    private VmTag() {
    }

    public static String of(String vmId) {
        return PREFIX + vmId;
    }

    /** The VM id a tag names, if it is one of ours. */
    public static Optional<String> vmOf(String tag) {
        return tag != null && tag.startsWith(PREFIX) ? Optional.of(tag.substring(PREFIX.length())) : Optional.empty();
    }
}
