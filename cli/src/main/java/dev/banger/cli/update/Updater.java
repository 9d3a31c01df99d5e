package dev.banger.cli.update;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.common.fs.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * OPS-4: from a release manifest to a switched, restarted installation. Everything is
 * verified before anything on the host changes (SHA256SUMS' signature by the release key,
 * the archive's sha256 against it and the manifest, the archive's contents); after the
 * switch, a failed restart switches back and restarts the previous release.
 */
public final class Updater {
    private final Installation installation;
    private final ReleaseSource source;
    private final ReleaseKey key;
    private final InstalledServices services;
    private final PrintStream out;

    public Updater(Installation installation, ReleaseSource source, ReleaseKey key, InstalledServices services,
            PrintStream out) {
        this.installation = installation;
        this.source = source;
        this.key = key;
        this.services = services;
        this.out = out;
    }

    /** What an update would do: the installed and the target release. */
    public record Plan(ReleaseVersion installed, ReleaseVersion target, ReleaseManifest.Artifact artifact) {
        public boolean upToDate() {
            return installed.equals(target);
        }
    }

    public Plan plan(Optional<ReleaseVersion> to) {
        ReleaseManifest manifest = ReleaseManifest.parse(source.manifest(), source.describe());
        ReleaseVersion target = to.orElseGet(manifest::latestStable);
        return new Plan(installation.current(), target, manifest.distribution(target));
    }

    /** The update; with dryRun, everything up to the switch, then the staged copy is removed. */
    public void update(Optional<ReleaseVersion> to, boolean dryRun) {
        Plan plan = plan(to);
        if (plan.upToDate() && !dryRun) {
            out.println("banger " + plan.installed() + " is installed; nothing to do");
            return;
        }
        ReleaseVersion v = plan.target();
        Sha256Sums sums = verifiedSums(v);
        String name = plan.artifact().name();
        String expected = sums.of(name).orElseThrow(() -> refused("SHA256SUMS of " + v + " does not list " + name));
        if (!expected.equals(plan.artifact().sha256())) {
            throw refused("the manifest's sha256 of " + name + " differs from the signed SHA256SUMS");
        }
        Path staging = null;
        try {
            staging = installation.stage(v);
            Path archive = staging.resolve(name);
            out.println("downloading " + name + " (" + plan.artifact().size() + " bytes)");
            String actual = source.download(v + "/" + name, plan.artifact().size(), archive);
            if (!actual.equals(expected)) {
                throw refused(name + " has sha256 " + actual + ", not the signed " + expected);
            }
            Path tree = staging.resolve("tree");
            Files.createDirectory(tree);
            DistArchive.unpack(archive, "banger-" + v, tree);
            if (!Installation.versionOf(tree).equals(v) || !Files.isExecutable(tree.resolve("bin/banger"))) {
                throw refused(name + " does not hold banger " + v + " (VERSION and bin/banger)");
            }
            out.println("verified banger " + v + ": signature, sha256, contents");
            if (dryRun) {
                out.println("dry run: would switch " + installation.lib().resolve(Installation.CURRENT) + " from "
                        + plan.installed() + " to " + v + (services.present() ? " and restart the services" : "")
                        + "; nothing was changed");
                return;
            }
            installation.adopt(tree, v);
        } catch (IOException e) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, "cannot stage " + v + " in " + installation.lib() + ": "
                    + e.getMessage() + "; nothing was changed");
        } finally {
            if (staging != null) {
                FileTrees.deleteTree(staging);
            }
        }
        switchAndRestart(plan.installed(), v);
    }

    private void switchAndRestart(ReleaseVersion previous, ReleaseVersion v) {
        try {
            installation.switchTo(v);
        } catch (IOException e) {
            throw new UserError(ErrorKind.FAILED_PRECONDITION, "cannot switch to " + v + ": " + e.getMessage()
                    + "; " + previous + " stays installed");
        }
        out.println("switched to banger " + v);
        if (services.present()) {
            try {
                services.restartAndAwait();
                out.println("services restarted on " + v);
            } catch (RuntimeException e) {
                rollBack(previous, v, e);
            }
        }
        try {
            installation.keepOnly(v, previous).forEach(old -> out.println("removed banger " + old));
        } catch (IOException e) {
            out.println("could not remove older releases: " + e.getMessage());
        }
    }

    private void rollBack(ReleaseVersion previous, ReleaseVersion failed, RuntimeException why) {
        out.println("the services did not come up on " + failed + ": " + why.getMessage() + "; rolling back to "
                + previous);
        try {
            installation.switchTo(previous);
            services.restartAndAwait();
        } catch (IOException | RuntimeException e) {
            throw new UserError(ErrorKind.INTERNAL, "update to " + failed + " failed (" + why.getMessage()
                    + ") and so did the rollback to " + previous + ": " + e.getMessage());
        }
        throw new UserError(ErrorKind.ABORTED, "update to " + failed + " failed: " + why.getMessage()
                + "; rolled back to " + previous + ", which runs again");
    }

    private Sha256Sums verifiedSums(ReleaseVersion v) {
        byte[] sums = source.small(v + "/SHA256SUMS");
        byte[] signature = source.small(v + "/SHA256SUMS.sig");
        if (!key.verifies(sums, signature)) {
            throw refused("SHA256SUMS of " + v + " is not signed by the release key");
        }
        return Sha256Sums.parse(sums);
    }

    private static UserError refused(String why) {
        return new UserError(ErrorKind.FAILED_PRECONDITION, why + ": refusing it; nothing was changed");
    }
}
