package dev.banger.common.testhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepPauseTest {
    @TempDir
    Path dir;

    @Test
    void aProcessWithoutFilesPausesOnlyWithAMarkerNamedForIt() {
        assertSame(StepPause.NONE, StepPause.configured(Optional.of("net:bind tap"), Optional.empty()));
        assertSame(StepPause.NONE, StepPause.configured(Optional.empty(), Optional.of(dir.resolve("m"))));
    }

    @Test
    void anotherStepPassesAndTheConfiguredOneStopsAndSaysWhere() throws Exception {
        Path marker = dir.resolve("paused");
        StepPause pause = StepPause.configured(Optional.of("net:bind tap"), Optional.of(marker));
        pause.reached("net", "nat rule");
        pause.reached("storage", "bind tap");
        assertFalse(Files.exists(marker), "no other step pauses");
        Thread paused = new Thread(() -> pause.reached("net", "bind tap"));
        paused.setDaemon(true);
        paused.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(marker) && Files.readString(marker).equals("net:bind tap"));
        paused.interrupt();
        paused.join(300);
        assertTrue(paused.isAlive(), "an interrupt does not end the pause: only a kill does");
    }
}
