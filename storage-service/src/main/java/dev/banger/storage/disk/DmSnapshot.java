package dev.banger.storage.disk;

import dev.banger.exec.CommandRunner;
import java.nio.file.Path;
import java.util.List;

/**
 * A root disk as a device-mapper snapshot: the image's rootfs on a read-only loop
 * device as origin, a sparse COW file of the overlay size on a second loop device,
 * and a persistent snapshot target over both. Our machines have no device-mapper,
 * so this path is covered by argv tests only.
 */
public final class DmSnapshot {
    private final CommandRunner run;

    public DmSnapshot(CommandRunner run) {
        this.run = run;
    }

    public static String deviceName(String vmId) {
        return "banger-" + vmId + "-root";
    }

    /** Returns the /dev/mapper path of the snapshot. */
    public Path create(String vmId, Path rootfs, Path cowFile, long rootfsBytes, long overlayBytes) {
        String origin = run.check("losetup", "--find", "--show", "--read-only", rootfs.toString()).stdout().strip();
        run.check("truncate", "-s", Long.toString(overlayBytes), cowFile.toString());
        String cow = run.check("losetup", "--find", "--show", cowFile.toString()).stdout().strip();
        long sectors = rootfsBytes / 512;
        run.check("dmsetup", "create", deviceName(vmId), "--table",
                "0 " + sectors + " snapshot " + origin + " " + cow + " P 8");
        return Path.of("/dev/mapper", deviceName(vmId));
    }

    /** Removes the snapshot and detaches the loop devices under it, if any. */
    public boolean remove(String vmId, List<String> loopDevices) {
        boolean existed = run.run(List.of("dmsetup", "remove", deviceName(vmId))).ok();
        for (String loop : loopDevices) {
            run.run(List.of("losetup", "--detach", loop));
        }
        return existed;
    }
}
