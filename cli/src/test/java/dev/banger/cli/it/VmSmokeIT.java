package dev.banger.cli.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.cli.smoke.Scenarios;
import dev.banger.cli.smoke.SmokeHarness;
import dev.banger.common.rpc.ServiceHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every smoke scenario, each a test, on two harnesses (real QEMU VMs in private
 * namespaces, each with its own daemon). Independent scenarios run two at a time on the
 * first, as `scripts/smoke all --jobs 2` does. Those that act on every VM or on the daemon
 * itself (ALONE) run one after another on the second, which nothing else uses, beside
 * them. Those that need the machine to themselves (MACHINE_ALONE) run last, alone.
 */
class VmSmokeIT {
    static final int JOBS = 2;
    static SmokeHarness harness;
    /** The ALONE scenarios' own harness, started by their lane once the first one is up. */
    static volatile SmokeHarness aloneHarness;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ServiceHost.currentUid() == 0, "needs root: namespaces, bridges, TAPs");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "needs qemu-system-x86");
        harness = new SmokeHarness(CliRunner.dist()).start(true);
    }

    @AfterAll
    static void stop() {
        for (SmokeHarness h : new SmokeHarness[] {aloneHarness, harness}) {
            if (h != null) {
                h.close();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> scenarios() {
        ExecutorService pool = Executors.newFixedThreadPool(JOBS);
        ExecutorService aloneLane = Executors.newSingleThreadExecutor();
        Map<String, CompletableFuture<Void>> started = new java.util.LinkedHashMap<>();
        // Its harness is built from the image cache the first one filled; a failure to start
        // it fails each of its scenarios with that reason.
        CompletableFuture<SmokeHarness> second = CompletableFuture.supplyAsync(() -> {
            try {
                aloneHarness = new SmokeHarness(CliRunner.dist()).start(false);
                return aloneHarness;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, aloneLane);
        for (String n : Scenarios.names()) {
            if (!Scenarios.ALONE.contains(n)) {
                started.put(n, CompletableFuture.runAsync(() -> run(n, harness), pool));
            } else if (!Scenarios.MACHINE_ALONE.contains(n)) {
                // One thread: in the registry's order, after the harness's start.
                started.put(n, CompletableFuture.runAsync(() -> run(n, second.join()), aloneLane));
            }
        }
        pool.shutdown();
        aloneLane.shutdown();
        List<DynamicTest> tests = new ArrayList<>();
        started.forEach((n, f) -> tests.add(DynamicTest.dynamicTest(n, () -> await(f))));
        for (String n : Scenarios.names()) {
            if (Scenarios.MACHINE_ALONE.contains(n)) {
                tests.add(DynamicTest.dynamicTest(n, () -> {
                    CompletableFuture.allOf(started.values().toArray(CompletableFuture[]::new))
                            .exceptionally(e -> null).join();
                    run(n, harness);
                }));
            }
        }
        return tests.stream();
    }

    /** Runs one scenario and prints how long it took: the CI log is where the 30-minute budget is read. */
    private static void run(String name, SmokeHarness on) {
        long t0 = System.nanoTime();
        String outcome = "FAIL";
        try {
            Scenarios.ALL.get(name).run(on);
            outcome = "PASS";
        } catch (Exception e) {
            throw new Checked(e);
        } finally {
            System.out.printf("smoke %s %s (%.0f s)%n", outcome, name, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** A scenario's checked exception, carried through the pool and unwrapped for the report. */
    private static final class Checked extends RuntimeException {
        Checked(Exception e) {
            super(e);
        }
    }

    private static void await(CompletableFuture<Void> f) throws Throwable {
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Checked ? cause.getCause() : cause;
        }
    }
}
