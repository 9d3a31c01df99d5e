package dev.banger.cli.doctor;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.config.BangerConfig;
import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.output.Terminal;
import dev.banger.cli.output.UserError;
import dev.banger.proto.api.v1.DaemonStatusRequest;
import dev.banger.proto.api.v1.DaemonStatusResponse;
import dev.banger.proto.api.v1.ServiceStatus;
import dev.banger.proto.api.v1.SystemGrpc;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "doctor", description = "Check that this machine can run banger; each FAIL says how to fix it.",
        mixinStandardHelpOptions = true)
public class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        BangerPaths paths = BangerPaths.fromEnvironment();
        Check configCheck;
        String vmm = "auto";
        try {
            BangerConfig config = BangerConfig.fromEnvironment();
            vmm = config.get("vmm").orElse(vmm);
            configCheck = Check.pass("config", config.files().isEmpty() ? "no config file; defaults ("
                    + paths.configDir().resolve("config.properties") + " would be read)"
                    : config.settings().size() + " setting(s) from " + config.files());
        } catch (UserError e) {
            configCheck = Check.fail("config", e.getMessage(), "fix or remove that setting");
        }
        HostChecks host = new HostChecks(Host.REAL, paths, vmm);
        List<Check> checks = new ArrayList<>(host.run());
        checks.add(configCheck);
        DaemonStatusResponse status = status(paths);
        checks.add(services(status, paths));
        checks.add(status != null && !status.getDnsListener().isEmpty()
                ? Check.pass("dns port", status.getDnsListener() + " served by banger")
                : host.dnsPort(HostChecks.DEFAULT_DNS_PORT, false));
        if (status != null) {
            checks.add(VmNameCheck.run(status, paths));
        }
        System.out.print(render(checks, Terminal.detect()));
        return checks.stream().anyMatch(c -> c.outcome() == Check.Outcome.FAIL) ? 1 : 0;
    }

    private static DaemonStatusResponse status(BangerPaths paths) {
        try {
            return Orchestrator.daemonStatus(paths, 5);
        } catch (UserError | StatusRuntimeException e) {
            return null;
        }
    }

    static Check services(DaemonStatusResponse status, BangerPaths paths) {
        if (status == null) {
            return Check.fail("services", "the daemon is not running", "banger daemon start");
        }
        {
            List<String> down = status.getServicesList().stream().filter(s -> !s.getReachable())
                    .map(ServiceStatus::getName).toList();
            return down.isEmpty() ? Check.pass("services", "orchestrator, net, storage and image answer")
                    : Check.fail("services", "not answering: " + String.join(", ", down),
                            "banger daemon stop && banger daemon start; see the logs under " + paths.logDir());
        }
    }

    static String render(List<Check> checks, Terminal term) {
        StringBuilder out = new StringBuilder();
        int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Check c : checks) {
            String label = switch (c.outcome()) {
                case PASS -> term.green("PASS");
                case WARN -> term.yellow("WARN");
                case FAIL -> term.red("FAIL");
            };
            out.append(label).append("  ").append(c.name()).append(" ".repeat(width - c.name().length() + 2))
                    .append(c.detail()).append('\n');
            if (!c.fix().isEmpty()) {
                out.append("      ").append(" ".repeat(width + 2)).append("fix: ").append(c.fix()).append('\n');
            }
        }
        return out.toString();
    }
}
