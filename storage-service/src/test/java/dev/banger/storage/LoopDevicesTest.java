package dev.banger.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import dev.banger.storage.disk.LoopDevices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real loop devices, as root for owner 65534: losetup opens by name, so a COW or image
 * name the owner swapped for a link to a root-only file must end in no attached device.
 */
class LoopDevicesTest {
    @TempDir
    Path tmp;

    @Test
    void aLinkToARootOnlyFileIsDetachedAndRefusedAnOwnersFileIsAttached() throws Exception {
        Assumptions.assumeTrue(ServiceHost.currentUid() == 0, "loop devices need root");
        ProcessRunner root = new ProcessRunner();
        OwnerState home = OwnerState.create(tmp);
        Path secret = Files.createDirectories(tmp.resolve("rootonly")).resolve("disk.img");
        Files.setPosixFilePermissions(secret.getParent(), PosixFilePermissions.fromString("rwx------"));
        root.check("truncate", "-s", "1M", secret.toString());
        Path planted = home.state().resolve("root.cow");
        home.asOwner().check("ln", "-s", secret.toString(), planted.toString());
        Path mine = home.state().resolve("mine.img");
        home.asOwner().check("truncate", "-s", "1M", mine.toString());

        LoopDevices loops = new LoopDevices(root, home.owner().uid());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loops.attach(planted, false));
        assertTrue(e.getMessage().contains("not a regular file of uid 65534"), e.getMessage());
        assertEquals(List.of(), backing(loops, secret), "no loop device is left on root's file");

        String dev = loops.attach(mine, false);
        try {
            assertEquals(List.of(dev), backing(loops, mine));
        } finally {
            loops.detach(dev);
        }
        assertEquals(List.of(), backing(loops, mine));
    }

    private static List<String> backing(LoopDevices loops, Path file) {
        return loops.list().stream().filter(l -> l.backingFile().equals(file.toString())).map(LoopDevices.Loop::device)
                .toList();
    }
}
