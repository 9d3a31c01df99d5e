package dev.banger.cli.system;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.daemon.Distribution;
import dev.banger.cli.daemon.Service;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.Table;
import dev.banger.cli.output.UserError;
import dev.banger.cli.update.Installation;
import dev.banger.cli.update.SystemdServices;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.ServiceStatus;
import dev.banger.proto.api.v1.VmsGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "system", mixinStandardHelpOptions = true,
        description = "Run banger as systemd services for one user (OPS-3): install, status, restart, uninstall.")
public class SystemCommand {
    private static final long STATUS_DEADLINE_SECONDS = 30;
    private final ProcessRunner runner = new ProcessRunner();

    @Command(name = "install", mixinStandardHelpOptions = true, description = "Write and start the four units: the"
            + " orchestrator and image service as --owner, the net and storage services as root, hardened.")
    int install(@Option(names = "--owner", paramLabel = "USER", description = "the user banger runs for"
            + " (default: the user who ran sudo)") String owner) throws IOException {
        requireRoot("system install");
        String who = owner != null ? owner : System.getenv("SUDO_USER");
        if (who == null || who.isBlank()) {
            throw new UserError(ErrorKind.BAD_REQUEST, "name the user banger runs for: banger system install --owner USER");
        }
        Installation installation = Installation.of(Distribution.locate().root());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        installer().install(installation, Owner.lookUp(who, runner), java);
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Units, version, sockets, the DNS listener and the number of VMs.")
    int status() {
        SystemLayout layout = SystemLayout.HOST;
        if (!layout.servicesInstalled()) {
            throw new UserError(ErrorKind.NOT_FOUND, "banger is not installed as system services here (no "
                    + layout.unit("banger-orchestrator.service") + "); install with: sudo banger system install");
        }
        InstallRecord.read(layout.installRecord()).ifPresent(r -> System.out.println("installed: banger "
                + r.version() + " for " + r.owner() + " in " + r.lib()));
        Table t = new Table("UNIT", "STATE", "PID", "SOCKET");
        for (Service s : Service.values()) {
            CommandResult r = runner.run(List.of("systemctl", "show", "--property=ActiveState,SubState,MainPID",
                    SystemUnits.name(s)), Duration.ofSeconds(10));
            java.util.Map<String, String> p = new java.util.HashMap<>();
            r.stdout().lines().forEach(l -> {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    p.put(l.substring(0, eq), l.substring(eq + 1));
                }
            });
            Path socket = layout.runDir().resolve(s.shortName() + ".sock");
            t.row(SystemUnits.name(s), p.getOrDefault("ActiveState", "?") + " (" + p.getOrDefault("SubState", "?")
                    + ")", p.getOrDefault("MainPID", "-"), Files.exists(socket) ? socket : "(none)");
        }
        System.out.print(t.render());
        try {
            // The first call of a fresh CLI loads its gRPC classes inside the deadline: ~4 s in an
            // emulated guest under load. The bound is for a hung orchestrator.
            DaemonStatusResponse d = Orchestrator.daemonStatus(layout.paths(), STATUS_DEADLINE_SECONDS);
            for (ServiceStatus s : d.getServicesList()) {
                System.out.println(s.getName() + ": " + (s.getReachable() ? "build " + s.getInfo().getBuild()
                        .getVersion() + " (" + s.getInfo().getBuild().getCommit() + ")" : "unreachable: " + s.getError()));
            }
            System.out.println("dns:   " + (d.getDnsListener().isEmpty() ? "none: " + d.getDnsProblem()
                    : d.getDnsListener()));
            int vms = Orchestrator.call(layout.paths(), ch -> VmsGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(STATUS_DEADLINE_SECONDS, TimeUnit.SECONDS).list(ListVmsRequest.getDefaultInstance())
                    .getVmsCount());
            System.out.println("vms:   " + vms);
        } catch (RuntimeException e) {
            System.out.println("orchestrator: not answering (" + e.getMessage() + ")");
            return 1;
        }
        return 0;
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Restart the four services; running VMs keep running.")
    int restart() {
        requireRoot("system restart");
        SystemLayout layout = SystemLayout.HOST;
        new SystemdServices(runner, layout.unitDir(), layout.runDir().resolve("orchestrator.sock")).restartAndAwait();
        System.out.println("restarted: " + String.join(", ", SystemdServices.UNITS));
        return 0;
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Stop and remove the units and the"
            + " installed releases; VMs' disks and the store stay unless --purge.")
    int uninstall(@Option(names = "--purge", description = "remove the state too: every VM, image and the store")
            boolean purge) throws IOException {
        requireRoot("system uninstall");
        SystemLayout layout = SystemLayout.HOST;
        java.util.Optional<InstallRecord> record = InstallRecord.read(layout.installRecord());
        if (record.isEmpty() && !purge) {
            throw new UserError(ErrorKind.NOT_FOUND, "banger is not installed here (no " + layout.installRecord() + ")");
        }
        VmStopper.stopAll(layout.paths(), purge, System.out);
        // After an earlier plain uninstall only the state is left for --purge to remove.
        installer().uninstall(record.map(r -> Path.of(r.lib())), record.map(r -> Path.of(r.prefix(), "bin", "banger")),
                purge);
        return 0;
    }

    private SystemInstaller installer() {
        return new SystemInstaller(SystemLayout.HOST, runner, true, System.out);
    }

    private static void requireRoot(String verb) {
        if (ServiceHost.currentUid() != 0) {
            throw new UserError(ErrorKind.PERMISSION_DENIED, verb + " writes systemd units and /etc/banger: run it"
                    + " as root (sudo banger " + verb + ")");
        }
    }
}
