package dev.banger.cli.update;

import dev.banger.cli.config.BangerConfig;
import dev.banger.cli.daemon.Distribution;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Update an installed banger to the latest release (or --to one): verified against the release"
                + " key, switched in one step, services restarted, rolled back if they do not come up. Running VMs"
                + " keep running.")
public class UpdateCommand implements Callable<Integer> {
    static final String EMBEDDED_KEY = "release-key.pub.pem";

    @Option(names = "--check", description = "only say whether a newer release exists")
    boolean check;
    @Option(names = "--to", paramLabel = "VERSION", description = "this release instead of the latest stable one")
    String to;
    @Option(names = "--dry-run", description = "download and verify, change nothing")
    boolean dryRun;
    @Option(names = "--manifest-url", hidden = true, description = "tests: a manifest at file:// or http://127.0.0.1")
    String manifestUrl;
    @Option(names = "--pubkey-file", hidden = true, description = "tests: trust this PEM key instead of the embedded one")
    Path pubkeyFile;

    @Override
    public Integer call() {
        Optional<ReleaseVersion> target = Optional.ofNullable(to).map(ReleaseVersion::parse);
        Installation installation = Installation.of(Distribution.locate().root());
        Updater updater = new Updater(installation, source(), key(), services(), System.out);
        if (check) {
            Updater.Plan plan = updater.plan(target);
            System.out.println(plan.upToDate() ? "banger " + plan.installed() + " is the latest release"
                    : "banger " + plan.target() + " is available (installed: " + plan.installed()
                            + "); update with: sudo banger update" + (to == null ? "" : " --to " + plan.target()));
            return 0;
        }
        if (ServiceHost.currentUid() != 0) {
            throw new UserError(ErrorKind.PERMISSION_DENIED, "banger update replaces the release in "
                    + installation.lib() + " and restarts its services: run it as root (sudo banger update)");
        }
        updater.update(target, dryRun);
        return 0;
    }

    private ReleaseSource source() {
        if (manifestUrl != null) {
            return ReleaseSource.forTests(manifestUrl);
        }
        String configured = BangerConfig.fromEnvironment().get("update.manifest-url").orElse("");
        if (configured.isEmpty()) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, "no release manifest URL: set update.manifest-url in "
                    + BangerConfig.SYSTEM_FILE + " (this build names none)");
        }
        return ReleaseSource.trusted(configured);
    }

    private ReleaseKey key() {
        if (pubkeyFile != null) {
            try {
                return ReleaseKey.fromPem(Files.readString(pubkeyFile), pubkeyFile.toString());
            } catch (IOException e) {
                throw new UserError(ErrorKind.BAD_REQUEST, "cannot read " + pubkeyFile + ": " + e.getMessage());
            }
        }
        try (InputStream in = UpdateCommand.class.getResourceAsStream(EMBEDDED_KEY)) {
            if (in == null) {
                throw new UserError(ErrorKind.FAILED_PRECONDITION, "this build embeds no release key (it is built from"
                        + " deploy/release-key.pub.pem): it cannot verify a release");
            }
            return ReleaseKey.fromPem(new String(in.readAllBytes(), StandardCharsets.US_ASCII), "the embedded key");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InstalledServices services() {
        dev.banger.cli.system.SystemLayout host = dev.banger.cli.system.SystemLayout.HOST;
        return new SystemdServices(new ProcessRunner(), host.unitDir(), host.runDir().resolve("orchestrator.sock"));
    }
}
