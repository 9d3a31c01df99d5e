package dev.banger.common.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileProcessTest {
    @TempDir
    Path dir;

    @Test
    void aProcessIsFoundOnlyByTheExactArgumentsItWasStartedWith() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            Path pidFile = dir.resolve("x.pid");
            Files.writeString(pidFile, p.pid() + "\n");
            assertEquals(Optional.of(p.pid()), PidFileProcess.find(pidFile, List.of("sleep", "30")).map(ProcessHandle::pid));
            assertTrue(PidFileProcess.find(pidFile, List.of("3")).isEmpty(), "a substring is not the argument");
            assertTrue(PidFileProcess.find(pidFile, List.of("30", "sleep")).isEmpty(), "order matters");
            Files.writeString(pidFile, "not a pid");
            assertTrue(PidFileProcess.find(pidFile, List.of("sleep")).isEmpty());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anExitedProcessThatNobodyReapedYetCountsAsExited() throws Exception {
        // The short sleep's parent becomes the long one, which never reaps it: a zombie,
        // as a detached service is until init gets round to it.
        Process parent = new ProcessBuilder("bash", "-c", "sleep 0.1 & echo $!; exec sleep 20").start();
        try {
            long pid;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
                pid = Long.parseLong(out.readLine().strip());
                ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
                long started = System.nanoTime();
                assertTrue(PidFileProcess.awaitExit(child, Duration.ofSeconds(5)));
                assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos(), "noticed at once");
                assertTrue(child.isAlive(), "the JDK still counts the zombie as alive");
                assertFalse(PidFileProcess.running(child));
            }
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void terminateEndsAProcessThatIgnoresSigterm() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done").start();
        new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        long started = System.nanoTime();
        PidFileProcess.terminate(p.toHandle(), Duration.ofMillis(300));
        assertFalse(PidFileProcess.running(p.toHandle()));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
    }
}
