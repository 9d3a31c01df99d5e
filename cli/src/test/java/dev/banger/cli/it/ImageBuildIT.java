package dev.banger.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.common.exec.ProcessRunner;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default image built for real from Debian packages (IMG-2, IMG-3), through the
 * CLI. The bootstrapped base tree is cached per machine, so only the first run pays
 * for mmdebstrap.
 */
class ImageBuildIT {
    static Path sandbox;
    static CliRunner cli;
    static final ObjectMapper JSON = new ObjectMapper();
    static final ProcessRunner RUN = new ProcessRunner();

    @BeforeAll
    static void start() throws Exception {
        sandbox = Files.createTempDirectory(Path.of("/tmp"), "banger-it-build-");
        cli = new CliRunner(CliRunner.dist(), sandbox);
        assertEquals(0, cli.run("daemon", "start").exit());
    }

    @AfterAll
    static void stop() throws Exception {
        cli.run("daemon", "stop");
        try (Stream<Path> walk = Files.walk(sandbox)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void buildsABootableDefaultImageWithItsKernel() throws Exception {
        CliRunner.Result bad = cli.run("image", "build", "default", "--from", "ubuntu:noble");
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("banger: bad request: --from must be debian:SUITE"), bad.toString());

        CliRunner.Result build = cli.run("image", "build", "default", "--from", "debian:bookworm", "-v");
        assertEquals(0, build.exit(), build.toString());
        assertTrue(build.out().contains("[image build] bootstrap"), build.out());
        assertTrue(build.out().contains("[image build] kernel"), build.out());
        assertTrue(build.out().matches("(?s).*built image default \\(.* GiB, kernel debian-[0-9.]+-\\d+-cloud-amd64-[0-9a-f]{8}\\).*"),
                build.out());

        JsonNode image = JSON.readTree(cli.run("image", "show", "default", "-o", "json").out());
        assertEquals("debian", image.path("distro").asText());
        Path rootfs = Path.of(image.path("rootfsPath").asText());
        assertEquals("", debugfs(rootfs, "cat /etc/machine-id"), "empty machine-id: each VM gets its own");
        assertFalse(debugfs(rootfs, "ls -l /etc/ssh").contains("ssh_host_"), "no SSH host keys baked in");
        assertTrue(debugfs(rootfs, "ls -l /opt/banger").contains("guest-agent.jar"));
        assertTrue(debugfs(rootfs, "cat /etc/fstab").contains("LABEL=work /root"));
        assertTrue(debugfs(rootfs, "cat /etc/inittab").contains("::sysinit:/usr/local/sbin/banger-boot"),
                "the lean boot's inittab");
        for (String script : new String[] {"banger-init", "banger-boot", "banger-config", "banger-agent", "banger-on-connect",
                "banger-vsock-relay", "banger-control", "poweroff", "reboot", "halt"}) {
            assertTrue(debugfs(rootfs, "stat /usr/local/sbin/" + script).contains("Mode:  0755"), script);
        }
        assertTrue(debugfs(rootfs, "stat /usr/bin/ssh-keygen").contains("Mode:  0755"), "owners and modes kept");
        assertTrue(debugfs(rootfs, "ls -l /usr/lib/jvm").contains("java-17-openjdk-amd64"), "the agent's JRE");
        assertTrue(debugfs(rootfs, "stat /usr/bin/socat").contains("Mode:  0755"), "the agent's vsock relay");

        JsonNode kernel = JSON.readTree(cli.run("kernel", "show", image.path("kernelRef").asText(), "-o", "json").out());
        assertTrue(startsWith(Path.of(kernel.path("vmlinuxPath").asText()), new byte[] {0x7f, 'E', 'L', 'F'}));
        assertTrue(startsWith(Path.of(kernel.path("bzimagePath").asText()), new byte[] {'M', 'Z'}));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(kernel.path("initrdPath").asText())))) {
            assertTrue(in.readAllBytes().length > 1_000_000, "busybox and modules inside");
        }

        CliRunner.Result again = cli.run("image", "build", "default", "--from", "debian:bookworm");
        assertEquals(1, again.exit());
        assertTrue(again.err().startsWith("banger: already exists: "), again.toString());
        try (Stream<Path> dirs = Files.list(cli.bangerHome.resolve("state/images"))) {
            assertEquals(1, dirs.count(), "one image directory, nothing left by refused builds");
        }
    }

    private static String debugfs(Path image, String request) {
        return RUN.check("debugfs", "-R", request, image.toString()).stdout();
    }

    private static boolean startsWith(Path f, byte[] magic) throws Exception {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(magic.length);
            return java.util.Arrays.equals(head, magic);
        }
    }
}
