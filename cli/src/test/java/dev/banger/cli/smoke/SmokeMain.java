package dev.banger.cli.smoke;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * scripts/smoke: `list`, `run NAME...`, `all`, with `--jobs N` to run several at once.
 * Prints a line as each scenario ends (SmokeLanes), then one line per scenario in the order
 * given, with a failure's reason, and a closing "N passed, N failed" line.
 */
public final class SmokeMain {
    private SmokeMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        int jobs = 1;
        String verb = args.length == 0 ? "list" : args[0];
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--jobs")) {
                jobs = Integer.parseInt(args[++i]);
            } else {
                names.add(args[i]);
            }
        }
        switch (verb) {
            case "list" -> Scenarios.names().forEach(System.out::println);
            case "all" -> System.exit(run(Scenarios.names(), jobs));
            case "run" -> System.exit(run(names, jobs));
            default -> {
                System.err.println("usage: smoke list | run NAME... | all  [--jobs N]");
                System.exit(2);
            }
        }
    }

    /** Runs scenarios as SmokeLanes places them; returns the number that failed. */
    static int run(List<String> names, int jobs) throws Exception {
        for (String n : names) {
            if (!Scenarios.ALL.containsKey(n)) {
                System.err.println("no scenario named " + n + "; `smoke list` shows them");
                return 2;
            }
        }
        Path dist = Path.of(System.getProperty("banger.dist", ".")).toAbsolutePath().normalize();
        int failed = 0;
        try (SmokeHarness h = new SmokeHarness(dist).start(names.stream().anyMatch(Scenarios.NEEDS_DEV_IMAGE::contains));
                SmokeLanes lanes = new SmokeLanes(dist)) {
            for (Map.Entry<String, java.util.concurrent.CompletableFuture<java.time.Duration>> r
                    : lanes.start(h, names, jobs).entrySet()) {
                try {
                    System.out.printf("PASS %s (%.1fs)%n", r.getKey(), r.getValue().get().toMillis() / 1e3);
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    System.out.println("FAIL " + r.getKey() + ": " + SmokeLanes.cause(e).getMessage());
                }
            }
        }
        System.out.println((names.size() - failed) + " passed, " + failed + " failed");
        return failed;
    }
}
