package dev.banger.common.testhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A test-only hook for crash tests (SEC-4): with {@code banger.test.pause-at=WHERE:STEP}
 * (env BANGER_TEST_PAUSE_AT), the process stops as that step begins, says so in a marker
 * file, and waits there until the test kills it. WHERE is an orchestrator verb (start,
 * stop, delete) or a service (net, storage), so one setting given to every process of a
 * daemon pauses exactly one of them. Unset, it does nothing.
 */
public final class StepPause {
    public static final StepPause NONE = new StepPause(Optional.empty(), null);
    private final Optional<String> at;
    private final Path marker;

    public StepPause(Optional<String> at, Path marker) {
        this.at = at;
        this.marker = marker;
    }

    /** The hook as configured: pause-at, and the marker file (pause-marker, else the default). */
    public static StepPause configured(Optional<String> at, Optional<Path> marker, Path defaultMarker) {
        return at.isEmpty() ? NONE : new StepPause(at, marker.orElse(defaultMarker));
    }

    /** As configured, for a process that keeps no files: without a marker named for it, no pause. */
    public static StepPause configured(Optional<String> at, Optional<Path> marker) {
        return marker.isEmpty() ? NONE : configured(at, marker, marker.get());
    }

    /** The file a paused process writes "WHERE:STEP" to, by default. */
    public static Path markerIn(Path stateDir) {
        return stateDir.resolve("test-paused-at");
    }

    public void reached(String where, String step) {
        String here = where + ":" + step;
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
