package dev.banger.common.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A long-lived process banger started detached and finds again by its pid file: a VMM,
 * or a dev-mode service. It is only ever signalled after /proc/PID/cmdline shows the
 * exact arguments it was started with, so a stale pid file (the pid reused by another
 * program, or one that merely mentions the same path) can never hit the wrong process.
 */
public final class PidFileProcess {
    private PidFileProcess() {
    }

    /**
     * Starts argv (its own session comes from a leading {@code setsid}) with no stdin and
     * stdout and stderr appended to {@code output}, so it holds nothing of its starter.
     */
    public static Process launch(List<String> argv, Path output) throws IOException {
        return launch(argv, output, null);
    }

    /** As above, started in directory (null: this process's). */
    public static Process launch(List<String> argv, Path output, Path directory) throws IOException {
        return new ProcessBuilder(argv).directory(directory == null ? null : directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).redirectErrorStream(true).start();
    }

    /** The live process the pid file names, if its argv holds {@code identifyingArguments} consecutively. */
    public static Optional<ProcessHandle> find(Path pidFile, List<String> identifyingArguments) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(PidFileProcess::running).filter(h -> hasArguments(pid, identifyingArguments));
    }

    static boolean hasArguments(long pid, List<String> wanted) {
        try {
            String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return Collections.indexOfSubList(Arrays.asList(cmdline.split("\0")), wanted) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until the process has exited, polling every 10 ms. A detached process is not
     * our child: once it exits it stays a zombie until init reaps it (a second or two on
     * some inits), and ProcessHandle counts a zombie as alive, so it is read from /proc.
     * Returns whether it exited within the bound.
     */
    public static boolean awaitExit(ProcessHandle process, Duration within) {
        return Poll.until(within, Duration.ofMillis(10), () -> !running(process));
    }

    /** Alive and not a zombie (state Z or X in /proc/PID/stat, after the command name). */
    public static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int afterName = stat.lastIndexOf(')');
            char state = afterName < 0 || afterName + 2 >= stat.length() ? '?' : stat.charAt(afterName + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    /** SIGTERM, and SIGKILL when it has not exited after {@code grace}. */
    public static void terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        if (!awaitExit(process, grace)) {
            process.destroyForcibly();
            awaitExit(process, Duration.ofSeconds(10));
        }
    }
}
