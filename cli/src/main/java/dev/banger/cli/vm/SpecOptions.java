package dev.banger.cli.vm;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.proto.api.v1.VmSpec;
import picocli.CommandLine.Option;

/**
 * What `vm create` and `vm run` accept (VM-1). Only options the user set are sent: the
 * daemon owns the defaults. Checked here before any call (RUN-5) and again there.
 */
public class SpecOptions {
    @Option(names = "--name", description = "one DNS label (default: a generated adjective-noun)")
    String name;
    @Option(names = "--image", description = "image name (default: default)")
    String image;
    @Option(names = "--vcpu", description = "virtual CPUs (default: 2)")
    Integer vcpu;
    @Option(names = "--memory", description = "MiB (default: 2048)")
    Integer memory;
    @Option(names = "--disk-size", description = "work disk, e.g. 8G (default: 8G)")
    String diskSize;
    @Option(names = "--system-overlay-size", description = "writable root space, e.g. 8G (default: 8G)")
    String overlaySize;
    @Option(names = "--nat", description = "give the VM outbound network access")
    boolean nat;
    @Option(names = "--ttl", paramLabel = "DURATION", description = "delete the VM this long after it is created"
            + " (90s, 30m, 2h, 1d)")
    String ttl;
    @Option(names = "--idle-stop", paramLabel = "DURATION", description = "stop the VM after this long with no exec,"
            + " ssh or session use")
    String idleStop;
    @Option(names = "--init", paramLabel = "lean|systemd", description = "how the guest boots: lean (busybox init,"
            + " fastest; the default) or the image's systemd")
    String init;
    @Option(names = "--from-snapshot", paramLabel = "SNAPSHOT", description = "start the VM from a snapshot instead of"
            + " booting it (`banger vm snapshot`): its image and sizes are the snapshot's")
    String fromSnapshot;

    VmSpec toSpec() {
        VmSpec.Builder b = VmSpec.newBuilder().setNat(nat);
        if (fromSnapshot != null) {
            if (init != null) {
                throw new UserError(ErrorKind.BAD_REQUEST, "--init cannot change how a snapshot's VM booted");
            }
            b.setFromSnapshot(fromSnapshot);
        }
        if (ttl != null) {
            b.setTtlSeconds(dev.banger.cli.daemon.Durations.parse(ttl, "--ttl").toSeconds());
        }
        if (idleStop != null) {
            b.setIdleStopSeconds(dev.banger.cli.daemon.Durations.parse(idleStop, "--idle-stop").toSeconds());
        }
        if (init != null) {
            b.setInit(switch (init) {
                case "lean" -> dev.banger.proto.api.v1.GuestInit.LEAN;
                case "systemd" -> dev.banger.proto.api.v1.GuestInit.SYSTEMD;
                default -> throw new UserError(ErrorKind.BAD_REQUEST, "--init must be lean or systemd, got '" + init + "'");
            });
        }
        if (name != null) {
            if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                throw new UserError(ErrorKind.BAD_REQUEST, "VM name must be one DNS label: 1-63 lowercase letters, digits or '-',"
                        + " not starting or ending with '-', got '" + name + "'");
            }
            b.setName(name);
        }
        if (image != null) {
            b.setImage(image);
        }
        if (vcpu != null) {
            if (vcpu < 1) {
                throw new UserError(ErrorKind.BAD_REQUEST, "--vcpu must be at least 1, got " + vcpu);
            }
            b.setVcpu(vcpu);
        }
        if (memory != null) {
            if (memory < 128) {
                throw new UserError(ErrorKind.BAD_REQUEST, "--memory must be at least 128 (MiB), got " + memory);
            }
            b.setMemoryMib(memory);
        }
        if (diskSize != null) {
            b.setDiskSizeBytes(bytes(diskSize, "--disk-size"));
        }
        if (overlaySize != null) {
            b.setSystemOverlaySizeBytes(bytes(overlaySize, "--system-overlay-size"));
        }
        return b.build();
    }

    static long bytes(String s, String what) {
        return dev.banger.cli.output.Sizes.parse(s, what);
    }
}
