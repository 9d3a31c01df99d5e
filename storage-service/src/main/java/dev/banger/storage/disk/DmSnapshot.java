package dev.banger.storage.disk;

import dev.banger.common.exec.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A root disk as a device-mapper snapshot: the image's rootfs on a read-only loop
 * device as origin, a sparse COW file of the overlay size on a second loop device,
 * and a persistent snapshot target over both. The COW file is made by the owner; root
 * only attaches (checked by {@link LoopDevices}) and creates the target. Our machines
 * have no device-mapper, so the dmsetup part is covered by argv tests only.
 */
public final class DmSnapshot {
    private static final Pattern DEP = Pattern.compile("\\((loop[0-9]+)\\)");
    private final CommandRunner root;
    private final CommandRunner asOwner;
    private final LoopDevices loops;

    public DmSnapshot(CommandRunner root, CommandRunner asOwner, LoopDevices loops) {
        this.root = root;
        this.asOwner = asOwner;
        this.loops = loops;
    }

    public static String deviceName(String vmId) {
        return "banger-" + vmId + "-root";
    }

    /** Returns the /dev/mapper path of the snapshot. */
    public Path create(String vmId, Path rootfs, Path cowFile, long rootfsBytes, long overlayBytes) {
        String origin = loops.attach(rootfs, true);
        try {
            asOwner.check("truncate", "-s", Long.toString(overlayBytes), "--", cowFile.toString());
            String cow = loops.attach(cowFile, false);
            long sectors = rootfsBytes / 512;
            var made = root.run(List.of("dmsetup", "create", deviceName(vmId), "--table",
                    "0 " + sectors + " snapshot " + origin + " " + cow + " P 8"));
            if (!made.ok()) {
                loops.detach(cow);
                made.orThrow(List.of("dmsetup", "create", deviceName(vmId)));
            }
            return Path.of("/dev/mapper", deviceName(vmId));
        } catch (RuntimeException e) {
            loops.detach(origin);
            throw e;
        }
    }

    /**
     * Removes the snapshot and detaches the loop devices under it: the ones dm names as
     * its dependencies (the origin, whose file lies outside the VM's directory) and any
     * loopDevices left from a create that failed before the target existed.
     */
    public boolean remove(String vmId, List<String> loopDevices) {
        Set<String> detach = new LinkedHashSet<>(dependencies(vmId));
        detach.addAll(loopDevices);
        boolean existed = root.run(List.of("dmsetup", "remove", deviceName(vmId))).ok();
        detach.forEach(loops::detach);
        return existed;
    }

    /** "2 dependencies  : (loop1) (loop0)" from dmsetup deps -o devname, as /dev paths. */
    List<String> dependencies(String vmId) {
        var r = root.run(List.of("dmsetup", "deps", "-o", "devname", deviceName(vmId)));
        List<String> out = new ArrayList<>();
        if (r.ok()) {
            Matcher m = DEP.matcher(r.stdout());
            while (m.find()) {
                out.add("/dev/" + m.group(1));
            }
        }
        return out;
    }
}
