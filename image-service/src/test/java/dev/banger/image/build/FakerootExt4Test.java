package dev.banger.image.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root tree with root's setuid binary, a device node and a file of another uid becomes
 * an ext4 with all three, built by an unprivileged user (uid 65534 when the test runs as
 * root): no step of an image build needs root (SEC-2), and nothing of the tar's owners,
 * setuid bits or devices is ever made on the host.
 */
class FakerootExt4Test {
    static final int NOBODY = 65534;
    @TempDir
    Path tmp;

    @Test
    void ownersSetuidBitsAndDevicesReachTheFilesystemWithoutRoot() throws Exception {
        boolean root = ServiceHost.currentUid() == 0;
        ProcessRunner me = new ProcessRunner();
        Path tree = Files.createDirectories(tmp.resolve("tree/bin"));
        Files.createDirectories(tmp.resolve("tree/dev"));
        Files.writeString(tree.resolve("su"), "#!/bin/sh\n");
        Files.writeString(tmp.resolve("tree/shadow"), "x");
        Path tar = tmp.resolve("rootfs.tar");
        // The tar's headers say what a Debian tree says: root's setuid su, a block device, a file of uid 123.
        me.check("tar", "--create", "--numeric-owner", "--owner=0", "--group=0", "--mode=u+s", "--file", tar.toString(),
                "--directory", tmp.resolve("tree").toString(), "bin/su");
        me.check("tar", "--append", "--numeric-owner", "--owner=123", "--group=42", "--mode=0640", "--file",
                tar.toString(), "--directory", tmp.resolve("tree").toString(), "shadow");
        if (root) {
            me.check("mknod", tmp.resolve("tree/dev/sda").toString(), "b", "8", "0");
            me.check("tar", "--append", "--numeric-owner", "--file", tar.toString(), "--directory",
                    tmp.resolve("tree").toString(), "dev/sda");
        }
        Path out = Files.createDirectories(tmp.resolve("images/i1")).resolve("rootfs.ext4");
        ProcessRunner builder = me;
        if (root) {
            for (Path p : List.of(tmp, tmp.resolve("images"), tmp.resolve("images/i1"), tar)) {
                Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            builder = new ProcessRunner(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                    "--clear-groups", "--"));
        }
        new FakerootExt4(builder).build(tar, out, 32L << 20, "rootfs");

        String su = me.check("debugfs", "-R", "stat /bin/su", out.toString()).stdout();
        assertTrue(su.contains("Mode:  04") && su.contains("User:     0"), su);
        String shadow = me.check("debugfs", "-R", "stat /shadow", out.toString()).stdout();
        assertTrue(shadow.contains("User:   123") && shadow.contains("Group:    42") && shadow.contains("Mode:  0640"),
                shadow);
        if (root) {
            String sda = me.check("debugfs", "-R", "stat /dev/sda", out.toString()).stdout();
            assertTrue(sda.contains("block special"), sda);
            assertEquals(NOBODY, Files.getAttribute(out, "unix:uid"), "the image is the builder's own file");
        }
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(out), left.toList(), "stage, fakeroot state and temp file are gone");
        }
    }
}
