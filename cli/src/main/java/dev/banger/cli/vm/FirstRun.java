package dev.banger.cli.vm;

import dev.banger.common.exec.Poll;
import dev.banger.cli.config.BangerConfig;
import dev.banger.cli.config.BangerPaths;
import dev.banger.cli.daemon.DaemonLauncher;
import dev.banger.cli.image.ImageClient;
import dev.banger.cli.output.ProgressPrinter;
import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmSpec;
import dev.banger.common.errors.Reason;
import dev.banger.common.rpc.ErrorReasons;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;

/**
 * What `vm run` sets up when it is missing, so that one command works on a fresh
 * install: the daemon (started as `banger daemon start` would), then, when the VM
 * asks for the default image and there is none, that image (built as
 * `banger image build default --from debian:bookworm` would; about a minute, once).
 * Each step says what it does on stderr, since it takes a while.
 */
final class FirstRun {
    static final String DEFAULT_IMAGE = "default";
    static final String DEFAULT_FROM = "debian:bookworm";

    private final DaemonLauncher daemon;
    private final ImageClient images;
    private final String defaultImage;

    FirstRun(DaemonLauncher daemon, ImageClient images, String defaultImage) {
        this.daemon = daemon;
        this.images = images;
        this.defaultImage = defaultImage;
    }

    /** For this BANGER_HOME and config file. */
    static FirstRun forEnvironment() {
        return new FirstRun(new DaemonLauncher(BangerPaths.fromEnvironment()), new ImageClient(),
                BangerConfig.fromEnvironment().get("vm.image").orElse(DEFAULT_IMAGE));
    }

    /**
     * Creates and boots the VM; when that fails because the daemon is not running or runs
     * another build (it is restarted; VMs keep running), or
     * the default image is missing or stale, sets that up and tries once more. warm: a
     * ready VM of the daemon's warm pool may be taken instead of a boot. The
     * usual case (all there) costs nothing extra.
     */
    Vm create(VmSpec spec, String image, boolean deleteOnFailure, boolean warm, ProgressPrinter progress) {
        dev.banger.proto.api.v1.CreateVmRequest request = dev.banger.proto.api.v1.CreateVmRequest.newBuilder()
                .setSpec(spec).setStart(true).setDeleteOnFailure(deleteOnFailure).setWarm(warm).build();
        try {
            return VmVerbs.create(request, progress);
        } catch (UserError | StatusRuntimeException e) {
            if (otherBuild(e)) {
                restartDaemon();
            } else if (!daemonDown(e) && !(imageMissingOrStale(e) && wantsDefault(image))) {
                throw e;
            }
        }
        ensure(image, progress);
        return VmVerbs.create(request, progress);
    }

    /** A call that needs only the daemon (vm run's workspace plan): started first when it is not running. */
    <R, T> T withDaemon(R request, java.util.function.Function<R, T> call) {
        try {
            return call.apply(request);
        } catch (UserError | StatusRuntimeException e) {
            if (otherBuild(e)) {
                restartDaemon();
            } else if (!daemonDown(e)) {
                throw e;
            }
        }
        ensureDaemon();
        return call.apply(request);
    }

    /** No socket (the CLI's own check) or a socket nobody answers on. */
    private static boolean daemonDown(RuntimeException e) {
        return e instanceof UserError u ? u.kind() == ErrorKind.UNAVAILABLE
                : e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAVAILABLE;
    }

    /** The daemon runs another build than this CLI (rebuilt under it). */
    private static boolean otherBuild(RuntimeException e) {
        return ErrorReasons.is(e, Reason.DAEMON_VERSION_MISMATCH);
    }

    /** Stops and starts the services; running VMs are not touched (daemon stop never kills a VMM). */
    private void restartDaemon() {
        System.err.println("banger: the daemon runs another build than this CLI; restarting it (VMs keep running)");
        daemon.stop();
        daemon.ensureRunning(Duration.ofSeconds(90));
    }

    private static boolean imageMissingOrStale(RuntimeException e) {
        return ErrorReasons.is(e, Reason.IMAGE_MISSING) || ErrorReasons.is(e, Reason.IMAGE_STALE);
    }

    private void ensureDaemon() {
        if (!daemon.answering()) {
            System.err.println("banger: starting the daemon (" + daemon.paths().runDir() + ")");
            daemon.ensureRunning(Duration.ofSeconds(90));
        }
    }

    private boolean wantsDefault(String image) {
        return image == null || image.isEmpty() || image.equals(defaultImage);
    }

    private void ensure(String image, ProgressPrinter progress) {
        ensureDaemon();
        if (!wantsDefault(image)) {
            return;
        }
        // Present: found, and current or kept (a stale image that VMs still use is not deleted).
        boolean present = images.find(defaultImage).map(i -> !i.getGuestFilesStale() || !replaceStale(defaultImage))
                .orElse(false);
        if (!present) {
            System.err.println("banger: first use: building the default image (" + defaultImage + ") from "
                    + DEFAULT_FROM + " (about a minute, once)");
            try {
                images.build(dev.banger.proto.api.v1.BuildImageRequest.newBuilder().setName(defaultImage)
                        .setFrom(DEFAULT_FROM).build(), progress);
            } catch (StatusRuntimeException e) {
                if (!ErrorReasons.is(e, Reason.NAME_TAKEN)) {
                    throw e;
                }
                awaitOtherBuild(defaultImage); // another `vm run` on this fresh install is building it
            }
        }
    }

    /**
     * The default image banger built with older guest files (init, boot scripts): its
     * VMs would not take this banger's SSH host keys. It is deleted so that it is built
     * again, unless VMs still use it. Returns whether it was deleted.
     */
    private boolean replaceStale(String image) {
        try {
            images.delete(image);
            System.err.println("banger: the " + image + " image was built by an older banger; building it again");
            return true;
        } catch (StatusRuntimeException e) {
            if (!ErrorReasons.is(e, Reason.IMAGE_IN_USE)) {
                throw e;
            }
            System.err.println("banger: warning: the " + image + " image was built by an older banger and VMs still use"
                    + " it, so new VMs from it may refuse SSH; delete those VMs and run again to rebuild it");
            return false;
        }
    }

    private void awaitOtherBuild(String image) {
        System.err.println("banger: another command is building " + image + "; waiting for it");
        try {
            if (!Poll.until(Duration.ofMinutes(45), Duration.ofSeconds(2), () -> images.exists(image))) {
                throw new UserError(ErrorKind.TIMED_OUT, "the other build of " + image + " did not finish within 45 minutes");
            }
        } catch (java.util.concurrent.CancellationException e) {
            throw new UserError(ErrorKind.INTERRUPTED, "stopped waiting for the build of " + image);
        }
    }
}
