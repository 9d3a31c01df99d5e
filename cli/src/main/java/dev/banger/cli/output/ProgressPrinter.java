package dev.banger.cli.output;

import dev.banger.proto.common.v1.Progress;
import java.io.PrintStream;

/**
 * Progress of long operations (RUN-4): one line per phase as it starts, such as
 * {@code [image build] bootstrap: mmdebstrap bookworm}. Shown on a terminal, or
 * anywhere with -v; scripts reading stdout get only the result.
 */
public final class ProgressPrinter {
    private final boolean enabled;
    private final PrintStream out;

    public ProgressPrinter(boolean enabled, PrintStream out) {
        this.enabled = enabled;
        this.out = out;
    }

    public static ProgressPrinter forTerminal(boolean verbose) {
        return new ProgressPrinter(verbose || System.console() != null, System.out);
    }

    /** Warnings reach stderr whether or not progress is shown: they say what did not happen. */
    public void show(Progress p) {
        if (p.getWarning()) {
            System.err.println("banger: warning: " + p.getDetail());
            System.err.flush();
        } else if (enabled) {
            out.println(line(p));
            out.flush();
        }
    }

    static String line(Progress p) {
        return "[" + p.getScope() + "] " + p.getPhase() + (p.getDetail().isEmpty() ? "" : ": " + p.getDetail());
    }
}
