package dev.banger.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.daemon.Service;
import dev.banger.cli.daemon.ServiceCommandLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The four services as real processes, started, inspected and stopped through the
 * real CLI, exactly as `bin/banger daemon start|status|stop` and `vm list` do it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonIT {
    static final List<String> SERVICES = List.of("orchestrator", "net", "storage", "image");
    static final Pattern ROW = Pattern.compile("^(orchestrator|net|storage|image)\\s+running\\s+(\\d+)\\s+\\S+\\s+(\\S+) \\((\\S+)\\)\\s+(\\S+)",
            Pattern.MULTILINE);

    static Path sandbox;
    static CliRunner cli;

    @BeforeAll
    static void sandbox() throws IOException {
        // Short path: Unix socket paths are limited to 107 bytes.
        sandbox = Files.createTempDirectory(Path.of("/tmp"), "banger-it-");
        cli = new CliRunner(CliRunner.dist(), sandbox);
        assertTrue(Files.isRegularFile(cli.cliJar()), "package the CLI first: " + cli.cliJar());
    }

    @AfterAll
    static void cleanUp() throws Exception {
        cli.run("daemon", "stop");
        try (Stream<Path> walk = Files.walk(sandbox)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void statusBeforeStartSaysHowToStart() throws Exception {
        CliRunner.Result r = cli.run("daemon", "status");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("banger: unavailable: "), r.toString());
        assertTrue(r.err().contains("banger daemon start"), r.toString());
        assertEquals("", r.out());
    }

    @Test
    @Order(1)
    void aBadConfigFileStopsTheStartBeforeAnyServiceRuns() throws Exception {
        Path config = Files.createDirectories(cli.bangerHome.resolve("config")).resolve("config.properties");
        Files.writeString(config, "vmm = bhyve\n");
        try {
            CliRunner.Result r = cli.run("daemon", "start");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith("banger: bad request: " + config + ": vmm = 'bhyve'"), r.toString());
            Path run = cli.bangerHome.resolve("run");
            assertTrue(!Files.exists(run) || Files.list(run).findAny().isEmpty(), "no service was started");
        } finally {
            Files.delete(config);
        }
    }

    /**
     * OPS-6 as systemd sees it: no CLI checks the file first, the service reads it itself.
     * Each service, run with the command line its unit runs, stops at start and names the
     * file and the key (what the journal shows).
     */
    @Test
    @Order(1)
    void aBadConfigFileStopsEachServiceStartedWithoutTheCli() throws Exception {
        Path bad = Files.writeString(sandbox.resolve("bad-config.properties"), "vm.vcpus = 3\n");
        BangerPaths paths = BangerPaths.from(
                Map.of("BANGER_HOME", sandbox.resolve("bad-config-home").toString()));
        Path jvm = Path.of(System.getProperty("java.home"), "bin", "java");
        Map<Service, Process> started = new EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            List<String> argv = ServiceCommandLine.command(s, jvm,
                    CliRunner.dist().resolve(s.module() + "/target/quarkus-app/quarkus-run.jar"), paths, 0,
                    List.of("-Dbanger.config.files=" + bad), Optional.empty());
            // Output to a file: a service that does not stop must not hang the read.
            started.put(s, new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(sandbox.resolve("bad-config-" + s.shortName() + ".out").toFile()).start());
        }
        for (Map.Entry<Service, Process> e : started.entrySet()) {
            Process p = e.getValue();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String out = Files.readString(sandbox.resolve("bad-config-" + e.getKey().shortName() + ".out"));
            assertTrue(ended && p.exitValue() != 0, e.getKey() + " did not stop: " + out);
            assertTrue(out.contains(bad + ": unknown setting 'vm.vcpus'"), e.getKey() + ": " + out);
            assertFalse(Files.exists(paths.socket(e.getKey().shortName())), e.getKey() + " serves nothing");
        }
    }

    @Test
    @Order(2)
    void startBringsUpFourServicesThatStatusReports() throws Exception {
        Path config = Files.createDirectories(cli.bangerHome.resolve("config")).resolve("config.properties");
        Files.writeString(config, "dns.port = 42169\n");
        CliRunner.Result start = cli.run("daemon", "start");
        Files.delete(config);
        assertEquals(0, start.exit(), start.toString());
        assertTrue(start.out().contains("4 service(s) launched"), start.toString());
        // OPS-6: the services read the file themselves (told which one), not a -D per setting.
        String pid = Files.readString(cli.bangerHome.resolve("run/orchestrator.pid")).strip();
        String cmdline = Files.readString(Path.of("/proc", pid, "cmdline"));
        assertTrue(cmdline.contains("-Dbanger.config.files=" + config) && !cmdline.contains("-Dbanger.dns.port"),
                cmdline);

        CliRunner.Result status = cli.run("daemon", "status");
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("dns:   127.0.0.1:42169"), "the config file's setting reaches the service: "
                + status.out());
        Map<String, Long> pids = pids(status.out());
        assertEquals(SERVICES.size(), pids.size(), status.toString());
        assertEquals(4, pids.values().stream().distinct().count(), "four separate processes");
        for (String s : SERVICES) {
            assertTrue(ProcessHandle.of(pids.get(s)).map(ProcessHandle::isAlive).orElse(false), s + " alive");
            Path socket = cli.bangerHome.resolve("run/" + s + ".sock");
            assertTrue(status.out().contains(socket.toString()), status.toString());
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertTrue(status.out().contains(cli.bangerHome.resolve("logs/" + s + ".log").toString()));
        }

        // Every service carries the CLI's own build stamp (OPS-2).
        CliRunner.Result version = cli.run("version");
        assertEquals(0, version.exit(), version.toString());
        Matcher m = ROW.matcher(status.out());
        while (m.find()) {
            assertTrue(version.out().contains("banger " + m.group(3) + "\n"), version.out());
            assertTrue(version.out().contains("commit: " + m.group(4) + "\n"), version.out());
        }
    }

    @Test
    @Order(3)
    void vmListShowsAnEmptyTableAndJson() throws Exception {
        CliRunner.Result table = cli.run("vm", "list");
        assertEquals(0, table.exit(), table.toString());
        assertEquals("NAME  STATE  IMAGE  IP  VCPU  MEMORY  AGE  TTL\n", table.out());
        CliRunner.Result json = cli.run("vm", "list", "-o", "json");
        assertEquals(0, json.exit(), json.toString());
        assertEquals("[]\n", json.out());
    }

    @Test
    @Order(3)
    void aClientWithNoProtoFilesFindsAndCallsTheApi() throws Exception {
        GenericClients clients = new GenericClients(cli);
        Path orchestrator = cli.bangerHome.resolve("run/orchestrator.sock");
        CliRunner.Result services = clients.curl(orchestrator, "--list-services", "http://localhost");
        assertEquals(0, services.exit(), services.toString());
        for (String s : List.of("banger.api.v1.Vms", "banger.api.v1.Images", "banger.api.v1.System",
                "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection")) {
            assertTrue(services.out().lines().anyMatch(s::equals), s + " listed: " + services);
        }

        CliRunner.Result list = clients.curl(orchestrator, "http://localhost/banger.api.v1.Vms/List");
        assertEquals(0, list.exit(), list.toString());
        assertEquals("{}", list.out().strip(), "no VMs yet, as JSON");

        CliRunner.Result health = clients.curl(orchestrator, "http://localhost/grpc.health.v1.Health/Check");
        assertEquals(0, health.exit(), health.toString());
        assertTrue(health.out().contains("\"status\": \"SERVING\""), health.toString());

        // A failing call: the status code and the ErrorInfo reason a tool can act on.
        CliRunner.Result get = clients.curl(orchestrator, "-d", "{\"ref\": \"ghost\"}",
                "http://localhost/banger.api.v1.Vms/Get");
        assertTrue(get.exit() != 0, get.toString());
        assertTrue(get.err().contains("\"code\": \"not_found\""), get.toString());
        com.google.rpc.ErrorInfo info = GenericClients.errorInfo(get.err());
        assertEquals("VM_NOT_FOUND", info.getReason(), get.toString());
        assertEquals("banger.dev", info.getDomain(), get.toString());

        // Every service socket answers health and reflection, not only the public one.
        Map<String, String> own = Map.of("net", "banger.internal.v1.Net", "storage", "banger.internal.v1.Storage",
                "image", "banger.api.v1.Images");
        for (Map.Entry<String, String> s : own.entrySet()) {
            CliRunner.Result listed = clients.curl(cli.bangerHome.resolve("run/" + s.getKey() + ".sock"),
                    "--list-services", "http://localhost");
            assertEquals(0, listed.exit(), s + ": " + listed);
            assertTrue(listed.out().lines().anyMatch("grpc.health.v1.Health"::equals), s + ": " + listed);
            assertTrue(listed.out().lines().anyMatch(s.getValue()::equals), s + ": " + listed);
        }
    }

    @Test
    @Order(4)
    void badInputGetsAClearErrorAndUsageExit() throws Exception {
        CliRunner.Result r = cli.run("vm", "list", "-o", "yaml");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--output'"), r.toString());
    }

    @Test
    @Order(5)
    void secondStartFindsItRunning() throws Exception {
        CliRunner.Result r = cli.run("daemon", "start");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("already running"), r.toString());
    }

    @Test
    @Order(6)
    void aCallerWithAnotherUidIsRefusedByEveryService() throws Exception {
        assumeTrue("0".equals(idU()), "needs root to run a client under another uid");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        // Open the doors the file system would otherwise close, so that what refuses
        // the call is the service's own SO_PEERCRED check.
        Path run = cli.bangerHome.resolve("run");
        Files.setPosixFilePermissions(sandbox, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(cli.bangerHome, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classpath = readableClasspath();
        for (String s : SERVICES) {
            Path socket = run.resolve(s + ".sock");
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            List<String> probe = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                    "dev.banger.common.rpc.HealthProbe", socket.toString());
            CliRunner.Result refused = cli.exec(probe);
            assertEquals(1, refused.exit(), s + ": " + refused);
            assertTrue(refused.out().startsWith("PERMISSION_DENIED uid 65534 may not call this service"),
                    s + ": " + refused);

            // The same probe as root gets an answer: the refusal was about the uid.
            List<String> asRoot = new ArrayList<>(probe.subList(4, probe.size()));
            CliRunner.Result ok = cli.exec(asRoot);
            assertEquals(0, ok.exit(), s + ": " + ok);
            assertTrue(ok.out().startsWith("OK " + s + " pid "), ok.toString());
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        }
    }

    @Test
    @Order(7)
    void aKilledServiceIsRestartedAloneByTheNextStart() throws Exception {
        Map<String, Long> before = pids(cli.run("daemon", "status").out());
        ProcessHandle orchestrator = ProcessHandle.of(before.get("orchestrator")).orElseThrow();
        orchestrator.destroyForcibly(); // SIGKILL: its socket file stays behind
        orchestrator.onExit().join();
        assertTrue(Files.exists(cli.bangerHome.resolve("run/orchestrator.sock")), "stale socket left behind");

        CliRunner.Result start = cli.run("daemon", "start");
        assertEquals(0, start.exit(), start.toString());
        assertTrue(start.out().contains("1 service(s) launched"), start.toString());
        Map<String, Long> after = pids(cli.run("daemon", "status").out());
        assertFalse(after.get("orchestrator").equals(before.get("orchestrator")), "a new orchestrator");
        for (String s : List.of("net", "storage", "image")) {
            assertEquals(before.get(s), after.get(s), s + " kept running");
        }
    }

    @Test
    @Order(8)
    void stopEndsEveryServiceAndRemovesItsSocket() throws Exception {
        Map<String, Long> pids = pids(cli.run("daemon", "status").out());
        CliRunner.Result stop = cli.run("daemon", "stop");
        assertEquals(0, stop.exit(), stop.toString());
        assertEquals("banger daemon stopped: orchestrator, image, storage, net\n", stop.out());
        for (String s : SERVICES) {
            // Exited (a zombie until this machine's init reaps it counts as ended).
            assertFalse(ProcessHandle.of(pids.get(s)).map(dev.banger.common.exec.PidFileProcess::running).orElse(false),
                    s + " ended");
            assertFalse(Files.exists(cli.bangerHome.resolve("run/" + s + ".sock")), s + " socket removed");
        }
        CliRunner.Result status = cli.run("daemon", "status");
        assertEquals(1, status.exit(), status.toString());
        CliRunner.Result again = cli.run("daemon", "stop");
        assertEquals(0, again.exit(), again.toString());
        assertEquals("banger daemon was not running\n", again.out());
    }

    @Test
    @Order(9)
    void theSandboxHomeWasNeverTouchedOutsideBangerHome() throws Exception {
        Path home = sandbox.resolve("home");
        assertFalse(Files.exists(home.resolve(".ssh")), "no ~/.ssh written");
        assertFalse(Files.exists(home.resolve(".local/state/banger")), "BANGER_HOME took precedence over XDG");
    }

    static Map<String, Long> pids(String statusOut) {
        Map<String, Long> pids = new HashMap<>();
        Matcher m = ROW.matcher(statusOut);
        while (m.find()) {
            pids.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return pids;
    }

    /** The CLI's jars copied where uid 65534 can read them (the build's own may sit under /root). */
    static String readableClasspath() throws IOException {
        Path libs = sandbox.resolve("probe-lib");
        Files.createDirectories(libs);
        List<String> entries = new ArrayList<>();
        for (String dir : List.of("lib/boot", "lib/main")) {
            try (Stream<Path> jars = Files.list(cli.dist.resolve("cli/target/quarkus-app").resolve(dir))) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    Path copy = libs.resolve(jar.getFileName());
                    Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                    entries.add(copy.toString());
                }
            }
        }
        Files.setPosixFilePermissions(libs, PosixFilePermissions.fromString("rwxr-xr-x"));
        return String.join(":", entries);
    }

    static String idU() throws IOException {
        return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }
}
