package dev.banger.cli.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.banger.cli.daemon.Service;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemUnitsTest {
    @TempDir
    Path tmp;

    private SystemUnits.Host host() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        return new SystemUnits.Host(java, "dev", 1000, 1000, Path.of("/usr/local/lib/banger/current"),
                SystemLayout.HOST, true);
    }

    @Test
    void rootServicesAreHardenedWithoutModuleLoading_ownerServicesRunAsTheOwner() throws Exception {
        String net = SystemUnits.render(Service.NET, host());
        assertTrue(net.contains("\nUser=root\n"));
        assertTrue(net.contains("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_CHOWN CAP_FOWNER\n"), net);
        assertTrue(net.contains("ProtectSystem=strict\n") && net.contains("NoNewPrivileges=yes\n")
                && net.contains("PrivateTmp=yes\n") && net.contains("ProtectKernelModules=yes\n"), net);
        assertTrue(net.contains("ReadWritePaths=/run/banger /var/lib/banger /var/cache/banger /etc/hosts\n"), net);
        String storage = SystemUnits.render(Service.STORAGE, host());
        assertFalse(storage.contains("CAP_SYS_MODULE") || net.contains("CAP_SYS_MODULE"));
        String orchestrator = SystemUnits.render(Service.ORCHESTRATOR, host());
        assertTrue(orchestrator.contains("\nUser=dev\n") && orchestrator.contains("KillMode=process\n")
                && orchestrator.contains("SendSIGKILL=no\n"), orchestrator);
        assertTrue(orchestrator.contains("-Dbanger.owner-uid=1000 ") && orchestrator.contains(
                "-Dbanger.net.socket=/run/banger/net.sock") && orchestrator.contains(
                "-jar /usr/local/lib/banger/current/orchestrator/quarkus-run.jar\n"), orchestrator);
        assertTrue(SystemUnits.render(Service.IMAGE, host()).contains(
                "-Dbanger.guest-agent.jar=/usr/local/lib/banger/current/guest-agent/guest-agent.jar"));
        assertFalse(orchestrator.contains("setsid"), "systemd runs the java command itself");
    }

    @Test
    void systemdAnalyzeFindsNothingWrongWithTheUnits() throws Exception {
        ProcessRunner run = new ProcessRunner();
        assumeTrue(run.run(List.of("systemd-analyze", "--version"), Duration.ofSeconds(10)).ok(), "no systemd-analyze");
        List<String> argv = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        for (Service s : Service.values()) {
            Path unit = tmp.resolve(SystemUnits.name(s));
            Files.writeString(unit, SystemUnits.render(s, host()));
            argv.add(unit.toString());
        }
        CommandResult r = run.run(argv, Duration.ofSeconds(60));
        // The jars are not installed here; anything else it says is a defect in a unit.
        List<String> complaints = (r.stdout() + r.stderr()).lines().filter(l -> !l.isBlank())
                .filter(l -> !l.contains("quarkus-run.jar")).toList();
        assertEquals(List.of(), complaints, r.toString());
    }

    @Test
    void installUnderARootWritesUnitsAndMetadataAndSaysSo_aSecondRunChangesNothing() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("root/usr/local/lib/banger"));
        Files.createDirectories(lib.resolve("1.0.0"));
        Files.writeString(lib.resolve("1.0.0/VERSION"), "1.0.0\n");
        Files.createSymbolicLink(lib.resolve("current"), Path.of("1.0.0"));
        SystemLayout layout = new SystemLayout(tmp.resolve("root"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SystemInstaller installer = new SystemInstaller(layout, new ProcessRunner(), false, new PrintStream(out, true));
        Owner me = new Owner("nobody", (int) Files.getAttribute(tmp, "unix:uid"), (int) Files.getAttribute(tmp,
                "unix:gid"));
        installer.install(dev.banger.cli.update.Installation.of(lib.resolve("1.0.0")), me, Path.of("/usr/bin/java"));
        for (Service s : Service.values()) {
            assertTrue(out.toString().contains("wrote " + layout.unit(SystemUnits.name(s))), out.toString());
        }
        InstallRecord r = InstallRecord.read(layout.installRecord()).orElseThrow();
        assertEquals("1.0.0", r.version());
        assertEquals(Boolean.TRUE, r.services());
        assertTrue(Files.readString(layout.tmpfiles()).contains("d " + layout.runDir() + " 0770 nobody"));
        out.reset();
        installer.install(dev.banger.cli.update.Installation.of(lib.resolve("1.0.0")), me, Path.of("/usr/bin/java"));
        assertFalse(out.toString().contains("wrote " + layout.unitDir()), out.toString());

        installer.uninstall(java.util.Optional.of(lib), java.util.Optional.of(tmp.resolve("root/usr/local/bin/banger")),
                false);
        assertFalse(Files.exists(lib) || Files.exists(layout.unit("banger-orchestrator.service"))
                || Files.exists(layout.installRecord()));
        assertTrue(Files.isDirectory(layout.stateDir()), "the state stays without --purge");
    }
}
