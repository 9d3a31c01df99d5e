package dev.banger.cli.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.cli.config.BangerPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceCommandLineTest {
    final BangerPaths paths = BangerPaths.from(Map.of("BANGER_HOME", "/bh"));

    @Test
    void internalServiceArgv() {
        List<String> argv = ServiceCommandLine.argv(Service.NET, Path.of("/jdk/bin/java"), Path.of("/d/net.jar"),
                paths, 1000, List.of("-Dextra=1"), java.util.Optional.empty());
        List<String> expected = new ArrayList<>(List.of("setsid", "/jdk/bin/java"));
        expected.addAll(ServiceCommandLine.JVM_FLAGS);
        expected.add("-Xmx96m");
        expected.addAll(ServiceCommandLine.nativeHeapTrim(Runtime.version()));
        expected.addAll(List.of("-Dextra=1", "-Dbanger.socket=/bh/run/net.sock", "-Dbanger.log-file=/bh/logs/net.log",
                "-Dbanger.state-dir=/bh/state", "-Dbanger.owner-uid=1000", "-jar", "/d/net.jar"));
        assertEquals(expected, argv);
    }

    @Test
    void theNativeHeapIsTrimmedOnlyByJvmsThatHaveTheFlag() {
        List<String> trim = List.of("-XX:TrimNativeHeapInterval=5000");
        assertEquals(trim, ServiceCommandLine.nativeHeapTrim(Runtime.Version.parse("25.0.1")));
        assertEquals(trim, ServiceCommandLine.nativeHeapTrim(Runtime.Version.parse("21.0.1")));
        assertEquals(trim, ServiceCommandLine.nativeHeapTrim(Runtime.Version.parse("17.0.9")));
        assertEquals(List.of(), ServiceCommandLine.nativeHeapTrim(Runtime.Version.parse("21")));
        assertEquals(List.of(), ServiceCommandLine.nativeHeapTrim(Runtime.Version.parse("17.0.8")));
        assertEquals(List.of(), ServiceCommandLine.nativeHeapTrim(Runtime.Version.parse("19.0.2")));
    }

    @Test
    void orchestratorIsToldWhereTheInternalServicesListen() {
        List<String> argv = ServiceCommandLine.argv(Service.ORCHESTRATOR, Path.of("java"), Path.of("o.jar"), paths,
                0, List.of(), java.util.Optional.empty());
        assertTrue(argv.contains("-Dbanger.net.socket=/bh/run/net.sock"));
        assertTrue(argv.contains("-Dbanger.storage.socket=/bh/run/storage.sock"));
        assertTrue(argv.contains("-Dbanger.image.socket=/bh/run/image.sock"));
        assertEquals(List.of("-jar", "o.jar"), argv.subList(argv.size() - 2, argv.size()));
    }

    @Test
    void imageServiceIsToldItsCacheAndAgentJarAndNoRootServiceSocket() {
        List<String> argv = ServiceCommandLine.argv(Service.IMAGE, Path.of("java"), Path.of("i.jar"), paths, 0,
                List.of(), java.util.Optional.of(Path.of("/d/guest-agent/target/guest-agent-1.jar")));
        assertFalse(argv.stream().anyMatch(a -> a.startsWith("-Dbanger.storage.socket")),
                "image builds need no root: the image service is no client of the storage service");
        assertTrue(argv.contains("-Xmx256m") && !argv.contains("-Xmx96m"), "one heap cap, its own");
        assertTrue(argv.contains("-Dbanger.cache-dir=/bh/cache"));
        assertTrue(argv.contains("-Dbanger.guest-agent.jar=/d/guest-agent/target/guest-agent-1.jar"));
        assertFalse(argv.stream().anyMatch(a -> a.startsWith("-Dbanger.net.socket")), "only the orchestrator calls net");
    }

    @Test
    void stopsOrchestratorFirstAndCoversEveryService() {
        assertEquals(Service.ORCHESTRATOR, Service.STOP_ORDER.get(0));
        assertEquals(Service.values().length, Service.STOP_ORDER.size());
    }

    @org.junit.jupiter.api.io.TempDir
    Path home;

    @Test
    void aStalePidFileNeverSignalsAStranger() throws Exception {
        BangerPaths p = BangerPaths.from(Map.of("BANGER_HOME", home.toString()));
        java.nio.file.Files.createDirectories(p.runDir());
        // This test JVM is alive but is not the net service: its pid in the file must be ignored.
        java.nio.file.Files.writeString(p.pidFile("net"), ProcessHandle.current().pid() + "\n");
        ServiceProcesses processes = new ServiceProcesses(p);
        assertTrue(processes.running(Service.NET).isEmpty());
        assertFalse(processes.stop(Service.NET, Duration.ofSeconds(1)), "nothing was stopped");
        assertFalse(java.nio.file.Files.exists(p.pidFile("net")), "the stale pid file is cleared");
        assertTrue(ProcessHandle.current().isAlive());
    }

    @Test
    void humanDurations() {
        assertEquals("0s", Durations.human(Duration.ZERO));
        assertEquals("59s", Durations.human(Duration.ofSeconds(59)));
        assertEquals("3m05s", Durations.human(Duration.ofSeconds(185)));
        assertEquals("2h01m", Durations.human(Duration.ofMinutes(121)));
        assertEquals("2d3h", Durations.human(Duration.ofHours(51)));
    }
}
