package dev.banger.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.common.rpc.ServiceHost;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * OPS-4 and OPS-8 end to end, on this checkout's build: deploy/release with a fresh key,
 * install.sh --root from file://, then `banger update` of that install; tampered archives,
 * foreign keys and unknown versions are refused with nothing written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseIT {
    static Path work;
    static CliRunner cli;
    static Path releases;
    static Path installRoot;
    static Path banger;

    @BeforeAll
    static void twoReleases() throws Exception {
        assumeTrue(ServiceHost.currentUid() == 0, "update refuses without root; the test runs it as root and as 65534");
        // Readable by everyone down to the install: the unprivileged run must reach the launcher.
        work = Files.createTempDirectory(Path.of("/tmp"), "banger-release-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cli = new CliRunner(CliRunner.dist(), Files.createDirectories(work.resolve("sandbox")));
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", work.resolve("key.pem").toString());
        openssl("ec", "-in", work.resolve("key.pem").toString(), "-pubout", "-out", work.resolve("pub.pem").toString());
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", work.resolve("other.pem").toString());
        openssl("ec", "-in", work.resolve("other.pem").toString(), "-pubout", "-out",
                work.resolve("other.pub").toString());
        releases = work.resolve("releases");
        for (String v : List.of("1.0.0", "v1.1.0")) {
            CliRunner.Result r = script("deploy/release", v, "--key", work.resolve("key.pem").toString(), "--out",
                    releases.toString());
            assertEquals(0, r.exit(), r.toString());
        }
        installRoot = work.resolve("root");
        banger = installRoot.resolve("usr/local/bin/banger");
    }

    @AfterAll
    static void clean() {
        if (work != null) {
            dev.banger.common.fs.FileTrees.deleteTree(work);
        }
    }

    @Test
    @Order(1)
    void installShInstallsAVerifiedReleaseUnderRoot() throws Exception {
        CliRunner.Result r = cli.exec(List.of(releases.resolve("install.sh").toString(), "--root",
                installRoot.toString(), "--base-url", releases.toUri().toString(), "--version", "v1.0.0", "--yes"));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("/etc/banger/install.json"), "it lists what it writes: " + r.err());
        Path lib = installRoot.resolve("usr/local/lib/banger");
        assertEquals("1.0.0", Files.readSymbolicLink(lib.resolve("current")).toString());
        assertTrue(Files.readString(installRoot.resolve("etc/banger/install.json")).contains("\"version\": \"1.0.0\""));
        try (Stream<Path> s = Files.walk(lib.resolve("1.0.0"))) {
            assertEquals(List.of(), s.filter(f -> f.toString().matches(".*\\.(aot|jsa)$")).toList(),
                    "the release carries no start-up cache: one fits only the JVM build that wrote it");
        }
        CliRunner.Result version = cli.exec(List.of(banger.toString(), "version"));
        assertTrue(version.out().contains("release: 1.0.0") && !version.err().contains("cds"), version.toString());
        // root's first run trained one for this machine's JVM, which the next run starts from, silently.
        try (Stream<Path> s = Files.list(lib.resolve("1.0.0/cli"))) {
            assertEquals(1, s.filter(f -> f.getFileName().toString().matches("banger-cli-.+\\.(aot|jsa)")).count(),
                    "one start-up cache beside the CLI's jar");
        }
        CliRunner.Result again = cli.exec(List.of(banger.toString(), "version"));
        assertTrue(again.out().contains("release: 1.0.0") && again.err().isEmpty(), again.toString());
        // Trained by `version`, the cache still holds what other commands load (the release's class
        // list, cli/cache/ClassListPreload): gRPC for every daemon call, Jackson for the install record.
        Path cache;
        try (Stream<Path> s = Files.list(lib.resolve("1.0.0/cli"))) {
            cache = s.filter(f -> f.getFileName().toString().matches("banger-cli-.+\\.(aot|jsa)")).findFirst().orElseThrow();
        }
        CliRunner.Result classes = cli.exec(List.of("java", cache.toString().endsWith(".aot") ? "-XX:AOTCache=" + cache
                : "-XX:SharedArchiveFile=" + cache, "-XX:+PrintSharedArchiveAndExit", "-jar",
                lib.resolve("1.0.0/cli/quarkus-run.jar").toString()));
        for (String cls : List.of("io.grpc.ManagedChannel", "com.fasterxml.jackson.databind.ObjectMapper",
                "dev.banger.cli.system.InstallRecord")) {
            assertTrue(classes.out().contains(" " + cls + " "), cls + " is in the cache that `version` trained");
        }
        // The services' shared jars were stored once, and unpack as one file.
        Path jars = lib.resolve("1.0.0/orchestrator/lib/main");
        try (Stream<Path> s = Files.list(jars)) {
            Path shared = s.filter(j -> Files.exists(lib.resolve("1.0.0/image-service/lib/main").resolve(j.getFileName())))
                    .findFirst().orElseThrow();
            assertTrue(Files.isSameFile(shared, lib.resolve("1.0.0/image-service/lib/main").resolve(shared.getFileName())),
                    shared + " is one file in both services");
        }
    }

    @Test
    @Order(2)
    void updateSaysANewerReleaseExists_refusesAnUnprivilegedCaller_andADryRunChangesNothing() throws Exception {
        CliRunner.Result check = update("--check");
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("banger 1.1.0 is available (installed: 1.0.0)"), check.toString());

        List<String> nobody = new ArrayList<>(List.of("setpriv", "--reuid", "65534", "--regid", "65534",
                "--clear-groups", banger.toString(), "update"));
        nobody.addAll(sourceFlags("pub.pem"));
        CliRunner.Result refused = cli.exec(nobody);
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().startsWith("banger: permission denied: banger update replaces"), refused.toString());

        CliRunner.Result dry = update("--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("verified banger 1.1.0") && dry.out().contains("nothing was changed"),
                dry.toString());
        assertEquals(List.of("1.0.0", "current"), libEntries());
    }

    @Test
    @Order(3)
    void updateSwitchesTheInstallToTheLatestRelease() throws Exception {
        CliRunner.Result r = update();
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("1.0.0", "1.1.0", "current"), libEntries());
        assertEquals("1.1.0", Files.readSymbolicLink(installRoot.resolve("usr/local/lib/banger/current")).toString());
        assertTrue(cli.exec(List.of(banger.toString(), "version")).out().contains("release: 1.1.0"));
    }

    @Test
    @Order(4)
    void aTamperedArchiveAForeignKeyAndAnUnknownVersionAreRefusedWithNothingWritten() throws Exception {
        Path tampered = work.resolve("tampered");
        assertEquals(0, cli.exec(List.of("cp", "-r", releases.toString(), tampered.toString())).exit());
        try (RandomAccessFile f = new RandomAccessFile(tampered.resolve("1.1.0/banger-1.1.0-linux-amd64.tar.gz")
                .toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);
        }
        Path fresh = work.resolve("fresh-root");
        CliRunner.Result bad = install(tampered, fresh, "v1.1.0", "pub.pem");
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("not the signed"), bad.toString());
        CliRunner.Result foreign = install(releases, fresh, "v1.1.0", "other.pub");
        assertEquals(1, foreign.exit(), foreign.toString());
        assertTrue(foreign.err().contains("not signed by the release key"), foreign.toString());
        CliRunner.Result unknown = install(releases, fresh, "v9.9.9", "pub.pem");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("there is no release 9.9.9"), unknown.toString());
        assertFalse(Files.exists(fresh) && Files.list(fresh).findAny().isPresent(), "install.sh wrote nothing");

        List<String> badUpdate = new ArrayList<>(List.of(banger.toString(), "update", "--to", "1.1.0", "--dry-run"));
        badUpdate.addAll(List.of("--manifest-url", tampered.resolve("manifest.json").toUri().toString(),
                "--pubkey-file", work.resolve("pub.pem").toString()));
        CliRunner.Result r = cli.exec(badUpdate);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("not the signed"), r.toString());
        CliRunner.Result foreignUpdate = cli.exec(withSource(List.of(banger.toString(), "update", "--to", "1.0.0"),
                "other.pub"));
        assertTrue(foreignUpdate.exit() == 1 && foreignUpdate.err().contains("not signed by the release key"),
                foreignUpdate.toString());
        CliRunner.Result unknownUpdate = update("--to", "9.9.9");
        assertTrue(unknownUpdate.exit() == 1 && unknownUpdate.err().contains("there is no release 9.9.9"),
                unknownUpdate.toString());
        assertEquals(List.of("1.0.0", "1.1.0", "current"), libEntries(), "the install is as the last update left it");
        assertEquals("1.1.0", Files.readSymbolicLink(installRoot.resolve("usr/local/lib/banger/current")).toString());
    }

    private static CliRunner.Result install(Path from, Path root, String version, String key) throws Exception {
        return cli.exec(List.of(CliRunner.dist().resolve("deploy/install.sh").toString(), "--root", root.toString(),
                "--base-url", from.toUri().toString(), "--version", version, "--pubkey-file",
                work.resolve(key).toString(), "--yes"));
    }

    private static CliRunner.Result update(String... flags) throws Exception {
        List<String> argv = new ArrayList<>(List.of(banger.toString(), "update"));
        argv.addAll(List.of(flags));
        return cli.exec(withSource(argv, "pub.pem"));
    }

    private static List<String> withSource(List<String> argv, String key) {
        List<String> out = new ArrayList<>(argv);
        out.addAll(sourceFlags(key));
        return out;
    }

    private static List<String> sourceFlags(String key) {
        return List.of("--manifest-url", releases.resolve("manifest.json").toUri().toString(), "--pubkey-file",
                work.resolve(key).toString());
    }

    private static List<String> libEntries() throws Exception {
        try (Stream<Path> s = Files.list(installRoot.resolve("usr/local/lib/banger"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static CliRunner.Result script(String path, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(CliRunner.dist().resolve(path).toString()));
        argv.addAll(List.of(args));
        return cli.exec(argv);
    }

    private static void openssl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        CliRunner.Result r = cli.exec(argv);
        assertEquals(0, r.exit(), r.toString());
    }
}
