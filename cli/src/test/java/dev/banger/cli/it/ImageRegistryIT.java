package dev.banger.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** image and kernel verbs through the real CLI and services (IMG-6, QA-3). */
class ImageRegistryIT {
    static Path sandbox;
    static CliRunner cli;
    static Path rootfs;
    static Path kernelDir;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Files.createTempDirectory(Path.of("/tmp"), "banger-it-img-");
        cli = new CliRunner(CliRunner.dist(), sandbox);
        cli.env.put("BANGER_IMAGE_CATALOG", sandbox.resolve("catalog.json").toString());
        assertEquals(0, cli.run("daemon", "start").exit());
        Path stage = Files.createDirectories(sandbox.resolve("stage/etc"));
        Files.writeString(stage.resolve("os-release"), "PRETTY_NAME=\"Debian\"\nID=debian\n");
        rootfs = sandbox.resolve("rootfs.ext4");
        new ProcessRunner().check("mkfs.ext4", "-q", "-F", "-d", sandbox.resolve("stage").toString(),
                rootfs.toString(), "16M");
        kernelDir = Files.createDirectories(sandbox.resolve("kernel"));
        byte[] bz = new byte[4096];
        bz[0x202] = 'H';
        bz[0x203] = 'd';
        bz[0x204] = 'r';
        bz[0x205] = 'S';
        Files.write(kernelDir.resolve("vmlinuz-6.1.0"), bz);
        Files.write(kernelDir.resolve("vmlinux"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    }

    @AfterAll
    static void stop() throws Exception {
        cli.run("daemon", "stop");
        try (Stream<Path> walk = Files.walk(sandbox)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void registerListShowAndDeleteWithTheirRefusals() throws Exception {
        CliRunner.Result k = cli.run("kernel", "import", "k1", "--from", kernelDir.toString());
        assertEquals(0, k.exit(), k.toString());
        assertEquals("imported kernel k1 (qemu, firecracker)\n", k.out());

        CliRunner.Result reg = cli.run("image", "register", "img1", "--rootfs", rootfs.toString(), "--kernel-ref", "k1");
        assertEquals(0, reg.exit(), reg.toString());
        CliRunner.Result list = cli.run("image", "list");
        assertTrue(list.out().matches("(?s)NAME +DISTRO +KERNEL +ROOTFS SIZE +CREATED\nimg1 +debian +k1 +16\\.0 MiB +\\d+s ago\n"),
                list.out());
        CliRunner.Result json = cli.run("image", "show", "img1", "-o", "json");
        assertTrue(json.out().contains("\"kernelRef\": \"k1\""), json.out());

        // Refusals: each a clear error, nothing changed.
        expectError(cli.run("kernel", "delete", "k1"), "banger: failed precondition: kernel k1 is used by image(s) img1");
        expectError(cli.run("image", "register", "img1", "--rootfs", rootfs.toString()), "banger: already exists: ");
        expectError(cli.run("image", "register", "Bad_Name", "--rootfs", rootfs.toString()), "banger: bad request: ");
        expectError(cli.run("image", "register", "img2", "--rootfs", kernelDir.resolve("vmlinux").toString()),
                "banger: bad request: ");
        expectError(cli.run("image", "register", "img3", "--rootfs", rootfs.toString(), "--kernel-ref", "nope"),
                "banger: not found: no kernel named nope");
        assertEquals(1, cli.run("image", "list", "-o", "json").out().split("\"name\"").length - 1, "still one image");
        try (Stream<Path> dirs = Files.list(cli.bangerHome.resolve("state/images"))) {
            assertEquals(1, dirs.count(), "no directory left by a refused register");
        }

        CliRunner.Result del = cli.run("image", "delete", "img1", "ghost");
        assertEquals(1, del.exit(), "one ref failed");
        assertEquals("deleted image img1\n", del.out());
        assertTrue(del.err().startsWith("banger: not found: no image named ghost"), del.err());
        assertEquals(0, cli.run("kernel", "delete", "k1").exit());
        assertEquals("NAME  BOOTS  INITRD  CREATED\n", cli.run("kernel", "list").out());
    }

    @Test
    void aBundledImageCanBePulledBackThroughACatalog() throws Exception {
        assertEquals(0, cli.run("kernel", "import", "k9", "--from", kernelDir.toString()).exit());
        assertEquals(0, cli.run("image", "register", "img9", "--rootfs", rootfs.toString(), "--kernel-ref", "k9").exit());
        Path bundles = Files.createDirectories(sandbox.resolve("bundles"));
        CliRunner.Result b = cli.run("image", "bundle", "img9", "-o", bundles.toString());
        assertEquals(0, b.exit(), b.toString());
        String[] lines = b.out().split("\n");
        String sha = lines[1].substring("sha256 ".length());
        long size = Long.parseLong(lines[2].substring("size   ".length()).strip());
        assertEquals(bundles.resolve(sha + ".tar.zst").toString(), lines[0], "content-addressed name");

        Files.writeString(sandbox.resolve("catalog.json"), "{\"images\": [{\"name\": \"pulled\", \"url\": \""
                + lines[0] + "\", \"sha256\": \"" + sha + "\", \"size\": " + size + "}, {\"name\": \"tampered\","
                + " \"url\": \"" + lines[0] + "\", \"sha256\": \"" + "0".repeat(64) + "\", \"size\": " + size + "}]}");
        CliRunner.Result pull = cli.run("image", "pull", "pulled");
        assertEquals(0, pull.exit(), pull.toString());
        assertTrue(pull.out().startsWith("pulled image pulled (16.0 MiB)"), pull.out());
        assertTrue(cli.run("image", "show", "pulled").out().contains("k9"), "its kernel came along");

        expectError(cli.run("image", "pull", "tampered"), "banger: bad request: bundle for tampered has sha256");
        expectError(cli.run("image", "pull", "ghost"), "banger: not found: no image named ghost in the catalog");
        assertEquals(0, cli.run("image", "delete", "pulled", "img9").exit());
        assertEquals(0, cli.run("kernel", "delete", "k9").exit());
    }

    private static void expectError(CliRunner.Result r, String prefix) {
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith(prefix), r.toString());
        assertEquals("", r.out());
    }
}
