package dev.banger.common.exec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * RUN-2: ssh joins its remote arguments with spaces and the guest's shell splits them
 * again, so each argument is single-quoted here and reaches the guest exactly as typed.
 */
public final class ShellQuote {
    private ShellQuote() {
    }

    public static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> argv) {
        return argv.stream().map(ShellQuote::quote).collect(Collectors.joining(" "));
    }
}
