package dev.banger.common.fs;

/**
 * A block banger keeps at the end of a user's or the system's text file (hosts file,
 * ~/.ssh/config), between a begin and an end marker line. Everything outside the
 * markers is kept byte for byte, and taking the block out gives back exactly the file
 * it was added to: when the file did not end in a newline, the newline the block needs
 * before it is recorded in its begin line, so removal knows to take it too.
 */
public record MarkedBlock(String label) {
    private static final String ADDED_NEWLINE = " (after an added newline)";

    public MarkedBlock {
        if (label.isBlank() || label.contains("\n") || label.contains(">>>")) {
            throw new IllegalArgumentException("a marker label is one plain line: " + label);
        }
    }

    private String begin(boolean addedNewline) {
        return "# >>> " + label + (addedNewline ? ADDED_NEWLINE : "") + " >>>\n";
    }

    private String end() {
        return "# <<< " + label + " <<<\n";
    }

    /** original without an earlier block, then this body (whole lines) in a fresh one; no block for an empty body. */
    public String with(String original, String body) {
        String base = without(original);
        if (body.isEmpty()) {
            return base;
        }
        if (!body.endsWith("\n")) {
            throw new IllegalArgumentException("a block's body is whole lines");
        }
        boolean addNewline = !base.isEmpty() && !base.endsWith("\n");
        return base + (addNewline ? "\n" : "") + begin(addNewline) + body + end();
    }

    /** Whether the file holds this block. */
    public boolean in(String text) {
        return text.contains(begin(false)) || text.contains(begin(true));
    }

    /** original with the block (and a newline it added) removed; unchanged when there is none. */
    public String without(String original) {
        boolean added = false;
        int at = original.indexOf(begin(false));
        if (at < 0) {
            at = original.indexOf(begin(true));
            added = at >= 0;
        }
        if (at < 0) {
            return original;
        }
        int end = original.indexOf(end(), at);
        String after = end < 0 ? "" : original.substring(end + end().length());
        int cut = added && at > 0 && original.charAt(at - 1) == '\n' ? at - 1 : at;
        return original.substring(0, cut) + after;
    }
}
