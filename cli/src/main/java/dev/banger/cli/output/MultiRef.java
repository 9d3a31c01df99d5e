package dev.banger.cli.output;

import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

/**
 * Verbs that take several refs: each ref once, in the order given; one that fails
 * is reported and the rest still run; the exit status says whether any failed.
 */
public final class MultiRef {
    private MultiRef() {
    }

    public static int run(List<String> refs, Function<String, String> action, PrintStream out, PrintStream err) {
        int failures = 0;
        for (String ref : new LinkedHashSet<>(refs)) {
            try {
                out.println(action.apply(ref));
            } catch (StatusRuntimeException | UserError e) {
                err.println(ErrorReporter.format(e));
                failures++;
            }
        }
        return failures == 0 ? 0 : ErrorReporter.EXIT_FAILURE;
    }
}
