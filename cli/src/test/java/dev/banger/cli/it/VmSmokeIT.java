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
 * Every smoke scenario, each a test, against one harness (real QEMU VMs in a private
 * namespace). Independent scenarios run two at a time, as `scripts/smoke all --jobs 2`
 * does; those that act on every VM or on the daemon run alone once the others are done.
 */
class VmSmokeIT {
    static final int JOBS = 2;
    static SmokeHarness harness;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ServiceHost.currentUid() == 0, "needs root: namespaces, bridges, TAPs");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "needs qemu-system-x86");
        harness = new SmokeHarness(CliRunner.dist()).start(true);
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> scenarios() {
        ExecutorService pool = Executors.newFixedThreadPool(JOBS);
        Map<String, CompletableFuture<Void>> together = new java.util.LinkedHashMap<>();
        for (String n : Scenarios.names()) {
            if (!Scenarios.ALONE.contains(n)) {
                together.put(n, CompletableFuture.runAsync(() -> run(n), pool));
            }
        }
        pool.shutdown();
        List<DynamicTest> tests = new ArrayList<>();
        together.forEach((n, f) -> tests.add(DynamicTest.dynamicTest(n, () -> await(f))));
        for (String n : Scenarios.names()) {
            if (Scenarios.ALONE.contains(n)) {
                tests.add(DynamicTest.dynamicTest(n, () -> {
                    CompletableFuture.allOf(together.values().toArray(CompletableFuture[]::new))
                            .exceptionally(e -> null).join();
                    run(n);
                }));
            }
        }
        return tests.stream();
    }

    /** Runs one scenario and prints how long it took: the CI log is where the 30-minute budget is read. */
    private static void run(String name) {
        long t0 = System.nanoTime();
        String outcome = "FAIL";
        try {
            Scenarios.ALL.get(name).run(harness);
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
