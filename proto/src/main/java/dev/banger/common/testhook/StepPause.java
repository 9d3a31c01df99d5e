package dev.banger.orchestrator.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A test-only hook for crash tests (SEC-4): with {@code banger.test.pause-at=VERB:STEP}
 * (env BANGER_TEST_PAUSE_AT), the verb stops as that step begins, says so in a marker
 * file, and waits there until the test kills the process. Unset, it does nothing.
 */
public final class StepPause {
    public static final StepPause NONE = new StepPause(Optional.empty(), null);
    private final Optional<String> at;
    private final Path marker;

    public StepPause(Optional<String> at, Path marker) {
        this.at = at;
        this.marker = marker;
    }

    /** The file a paused verb writes "VERB:STEP" to. */
    public static Path markerIn(Path stateDir) {
        return stateDir.resolve("test-paused-at");
    }

    void reached(String verb, String step) {
        String here = verb + ":" + step;
        if (at.isEmpty() || !at.get().equals(here)) {
            return;
        }
        try {
            Files.writeString(marker, here);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // only a kill ends this: that is the point
            }
        }
    }
}
