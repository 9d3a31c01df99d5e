package dev.banger.cli.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.cli.smoke.Scenarios;
import dev.banger.cli.smoke.SmokeHarness;
import dev.banger.rpc.ServiceHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every smoke scenario, each a test, against one harness (real QEMU VMs in a private namespace). */
class VmSmokeIT {
    static SmokeHarness harness;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ServiceHost.currentUid() == 0, "needs root: namespaces, bridges, TAPs");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "needs qemu-system-x86");
        harness = new SmokeHarness(CliRunner.dist()).start();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> scenarios() {
        return Scenarios.names().stream()
                .map(n -> DynamicTest.dynamicTest(n, () -> Scenarios.ALL.get(n).run(harness)));
    }
}
