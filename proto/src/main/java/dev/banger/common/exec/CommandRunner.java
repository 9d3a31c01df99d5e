package dev.banger.common.exec;

import java.time.Duration;
import java.util.List;

/**
 * The one way a banger service runs a program: an argv list (never a shell), a
 * timeout, and the output captured. Unit tests substitute {@link RecordingRunner}
 * and assert the exact argv.
 */
public interface CommandRunner {
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** Runs argv to completion (or the timeout) and returns what it printed, whatever its exit status. */
    CommandResult run(List<String> argv, Duration timeout);

    default CommandResult run(List<String> argv) {
        return run(argv, DEFAULT_TIMEOUT);
    }

    /** Runs argv and insists on exit status 0; otherwise throws with the program's stderr. */
    default CommandResult check(List<String> argv) {
        return run(argv).orThrow(argv);
    }

    default CommandResult check(String... argv) {
        return check(List.of(argv));
    }

    /**
     * Starts argv with stdin and stdout left to the caller, for data too large to hold
     * in memory. Only runners that run real programs support it.
     */
    default StreamingCommand start(List<String> argv) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot stream " + argv.get(0));
    }
}
