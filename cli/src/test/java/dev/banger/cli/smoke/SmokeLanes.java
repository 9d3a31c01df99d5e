package dev.banger.cli.smoke;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How scenarios share the machine. With one job, one after another on the first harness.
 * With more: independent scenarios that many at a time on the first harness; those that
 * restart or kill their daemon or act on every VM (Scenarios.ALONE) one at a time on a
 * second harness of their own (its own namespace and daemon), beside them; those that need
 * the cores to themselves (Scenarios.MACHINE_ALONE) last, alone, on the first.
 */
public final class SmokeLanes implements AutoCloseable {
    private final Path dist;
    private volatile SmokeHarness second;
    /** Runs the MACHINE_ALONE scenarios once the others are done (submitted then, so shut down at close). */
    private final ExecutorService last = Executors.newSingleThreadExecutor();

    public SmokeLanes(Path dist) {
        this.dist = dist;
    }

    /** Starts the named scenarios; each one's future gives its wall time, in the order given. */
    public Map<String, CompletableFuture<Duration>> start(SmokeHarness first, List<String> names, int jobs) {
        Map<String, CompletableFuture<Duration>> all = new LinkedHashMap<>();
        ExecutorService together = Executors.newFixedThreadPool(Math.max(1, jobs));
        ExecutorService alone = Executors.newSingleThreadExecutor();
        boolean lanes = jobs > 1;
        CompletableFuture<SmokeHarness> aloneHarness = null; // started with the first scenario it is for
        for (String n : names) {
            if (!lanes || !Scenarios.ALONE.contains(n)) {
                all.put(n, CompletableFuture.supplyAsync(() -> timed(n, first), together));
            } else if (!Scenarios.MACHINE_ALONE.contains(n)) {
                if (aloneHarness == null) {
                    aloneHarness = CompletableFuture.supplyAsync(this::startSecond, alone);
                }
                // One thread: in the order given, after its harness's start (whose failure fails each).
                CompletableFuture<SmokeHarness> own = aloneHarness;
                all.put(n, CompletableFuture.supplyAsync(() -> timed(n, own.join()), alone));
            }
        }
        CompletableFuture<?> before = CompletableFuture.allOf(all.values().toArray(CompletableFuture[]::new))
                .exceptionally(e -> null);
        for (String n : names) {
            if (lanes && Scenarios.MACHINE_ALONE.contains(n)) {
                CompletableFuture<Duration> f = before.thenApplyAsync(x -> timed(n, first), last);
                all.put(n, f);
                before = f.handle((d, e) -> null);
            }
        }
        together.shutdown();
        alone.shutdown();
        return all;
    }

    private SmokeHarness startSecond() {
        try {
            second = new SmokeHarness(dist).start(false);
            return second;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one scenario and prints how long it took: the CI log is where the 30-minute budget is read. */
    private static Duration timed(String name, SmokeHarness on) {
        long t0 = System.nanoTime();
        String outcome = "FAIL";
        try {
            Scenarios.ALL.get(name).run(on);
            outcome = "PASS";
            return Duration.ofNanos(System.nanoTime() - t0);
        } catch (Exception e) {
            throw new ScenarioFailed(e);
        } finally {
            System.out.printf("smoke %s %s (%.0f s)%n", outcome, name, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** A scenario's checked exception, carried through the lanes; cause() is what the scenario threw. */
    public static final class ScenarioFailed extends RuntimeException {
        ScenarioFailed(Exception e) {
            super(e.getMessage(), e);
        }
    }

    /** What a scenario threw, from its future's failure. */
    public static Throwable cause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException
                || t instanceof ScenarioFailed) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        last.shutdownNow();
        if (second != null) {
            second.close();
        }
    }
}
