package dev.banger.cli.smoke;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * scripts/smoke: `list`, `run NAME...`, `all`, with `--jobs N` to run several at once.
 * Prints one line per scenario and a closing "N passed, N failed" line.
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

    private static String timed(SmokeHarness h, String name) throws Exception {
        long t0 = System.nanoTime();
        Scenarios.ALL.get(name).run(h);
        return String.format("%.1fs", (System.nanoTime() - t0) / 1e9);
    }

    /** Runs scenarios against one harness; returns the number that failed. */
    static int run(List<String> names, int jobs) throws Exception {
        for (String n : names) {
            if (!Scenarios.ALL.containsKey(n)) {
                System.err.println("no scenario named " + n + "; `smoke list` shows them");
                return 2;
            }
        }
        Path dist = Path.of(System.getProperty("banger.dist", ".")).toAbsolutePath().normalize();
        int failed = 0;
        try (SmokeHarness h = new SmokeHarness(dist).start(names.stream().anyMatch(Scenarios.NEEDS_DEV_IMAGE::contains))) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
            ExecutorService alone = Executors.newSingleThreadExecutor();
            Map<String, Future<String>> results = new java.util.LinkedHashMap<>();
            for (String n : names) {
                if (!Scenarios.ALONE.contains(n) || jobs <= 1) {
                    results.put(n, pool.submit(() -> timed(h, n)));
                }
            }
            pool.shutdown();
            pool.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS);
            for (String n : names) {
                if (Scenarios.ALONE.contains(n) && jobs > 1) {
                    results.put(n, alone.submit(() -> timed(h, n)));
                }
            }
            alone.shutdown();
            for (Map.Entry<String, Future<String>> r : results.entrySet()) {
                try {
                    System.out.println("PASS " + r.getKey() + " (" + r.getValue().get() + ")");
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                    System.out.println("FAIL " + r.getKey() + ": " + e.getCause().getMessage());
                }
            }
        }
        System.out.println((names.size() - failed) + " passed, " + failed + " failed");
        return failed;
    }
}
