package dev.banger.cli.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.cli.smoke.Scenarios;
import dev.banger.cli.smoke.SmokeHarness;
import dev.banger.cli.smoke.SmokeLanes;
import dev.banger.common.rpc.ServiceHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every smoke scenario, each a test, as `scripts/smoke all --jobs 2` runs them (SmokeLanes):
 * independent ones two at a time on one harness (real QEMU VMs in a private namespace),
 * those that act on the daemon or every VM one at a time on a second harness beside them,
 * the systemd scenario last, alone.
 */
class VmSmokeIT {
    static final int JOBS = 2;
    static SmokeHarness harness;
    static SmokeLanes lanes;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ServiceHost.currentUid() == 0, "needs root: namespaces, bridges, TAPs");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "needs qemu-system-x86");
        harness = new SmokeHarness(CliRunner.dist()).start(true);
        lanes = new SmokeLanes(CliRunner.dist());
    }

    @AfterAll
    static void stop() {
        if (lanes != null) {
            lanes.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> scenarios() {
        return lanes.start(harness, Scenarios.names(), JOBS).entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> await(e.getValue())));
    }

    private static void await(CompletableFuture<?> f) throws Throwable {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw SmokeLanes.cause(e);
        }
    }
}
