package dev.banger.exec;

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
}
