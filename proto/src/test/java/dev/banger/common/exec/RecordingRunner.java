package dev.banger.common.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A CommandRunner for unit tests: records every argv and answers from a script
 * (by default exit 0 with no output).
 */
public final class RecordingRunner implements CommandRunner {
    private final List<List<String>> calls = new ArrayList<>();
    private Function<List<String>, CommandResult> answers = argv -> new CommandResult(0, "", "");

    public RecordingRunner answering(Function<List<String>, CommandResult> answers) {
        this.answers = answers;
        return this;
    }

    @Override
    public synchronized CommandResult run(List<String> argv, Duration timeout) {
        calls.add(List.copyOf(argv));
        return answers.apply(argv);
    }

    public synchronized List<List<String>> calls() {
        return List.copyOf(calls);
    }
}
