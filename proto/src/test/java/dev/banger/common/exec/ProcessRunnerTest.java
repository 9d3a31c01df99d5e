package dev.banger.common.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {
    final ProcessRunner runner = new ProcessRunner();

    @Test
    void argumentsArriveExactlyAsGivenWithNoShellInBetween() {
        CommandResult r = runner.check("printf", "%s|", "a b", "$HOME", "'q'", ";", "*");
        assertEquals("a b|$HOME|'q'|;|*|", r.stdout());
    }

    @Test
    void aFailureCarriesArgvAndStderr() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.check("ls", "/definitely/not/here"));
        assertTrue(e.getMessage().startsWith("ls /definitely/not/here exited 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("No such file"), e.getMessage());
    }

    @Test
    void aProgramThatRunsTooLongIsKilled() {
        long t0 = System.nanoTime();
        CommandResult r = runner.run(List.of("sleep", "30"), Duration.ofMillis(300));
        assertEquals(ProcessRunner.TIMED_OUT, r.exit());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000);
    }

    @Test
    void aMissingProgramIsExit127NotAnException() {
        assertEquals(127, runner.run(List.of("no-such-program-banger")).exit());
    }

    @Test
    void thePrefixWrapsEveryCommand() {
        CommandResult r = new ProcessRunner(List.of("env", "BANGER_T=1")).check("printenv", "BANGER_T");
        assertEquals("1\n", r.stdout());
    }

    @Test
    void endlessOutputIsCutAtTheCapAndTheProgramStillEnds() {
        CommandResult r = new ProcessRunner(List.of(), 1 << 16).run(List.of("head", "-c", "50000000", "/dev/zero"),
                Duration.ofSeconds(30));
        assertEquals(0, r.exit(), "the rest was read and dropped, so the writer never blocked");
        assertTrue(r.stdout().length() < (1 << 16) + 100, "kept " + r.stdout().length() + " chars");
        assertTrue(r.stdout().endsWith("[output cut at 65536 bytes]\n"));
    }

    @Test
    void aTimeoutAlsoEndsTheChildrenThatHoldThePipes() {
        long t0 = System.nanoTime();
        // sh waits on a child sleeping far past the timeout; both hold stdout.
        CommandResult r = runner.run(List.of("sh", "-c", "sleep 60 & sleep 60; wait"), Duration.ofMillis(300));
        assertEquals(ProcessRunner.TIMED_OUT, r.exit());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 3000, "took " + ms + " ms: the kill waited for the children");
    }

    @Test
    void aFullStderrDoesNotStallStdout() {
        CommandResult r = runner.run(List.of("sh", "-c", "head -c 300000 /dev/zero >&2; echo done"),
                Duration.ofSeconds(20));
        assertEquals("done\n", r.stdout());
    }
}
