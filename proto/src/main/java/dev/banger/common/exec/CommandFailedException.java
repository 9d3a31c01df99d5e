package dev.banger.common.exec;

import java.util.List;

/** A program exited non-zero or timed out; the message carries its argv and stderr. */
public class CommandFailedException extends RuntimeException {
    private final transient List<String> argv;
    private final transient CommandResult result;

    public CommandFailedException(List<String> argv, CommandResult result) {
        super(String.join(" ", argv) + " exited " + result.exit()
                + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
        this.argv = List.copyOf(argv);
        this.result = result;
    }

    public List<String> argv() {
        return argv;
    }

    public CommandResult result() {
        return result;
    }
}
