package dev.banger.orchestrator.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Runs shell commands in a guest with streamed stdin and stdout (GuestSession over SSH;
 * tests run the same scripts on the host).
 */
public interface GuestShell {
    /** Writes a command's stdin; runs beside the reading of its stdout. */
    interface Feed {
        void writeTo(OutputStream stdin) throws IOException;
    }

    /** What a command left: its exit status and (capped) stderr. */
    record Outcome(int exit, String stderr) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /**
     * Runs command; feed (null: stdin is closed at once) supplies stdin, stdout goes to
     * sink (null: discarded). More than stdoutCap bytes of stdout, or the deadline, ends
     * the command and fails with an IOException saying which.
     */
    Outcome run(String command, Feed feed, OutputStream sink, long stdoutCap, Duration deadline) throws IOException;
}
