package dev.banger.common.exec;

import java.util.List;

/** What a finished program left: its exit status and output. */
public record CommandResult(int exit, String stdout, String stderr) {
    public boolean ok() {
        return exit == 0;
    }

    public CommandResult orThrow(List<String> argv) {
        if (!ok()) {
            throw new CommandFailedException(argv, this);
        }
        return this;
    }
}
