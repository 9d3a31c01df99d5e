package dev.banger.storage;

import dev.banger.common.ids.Names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.banger.common.exec.RecordingRunner;
import dev.banger.common.exec.CommandResult;
import dev.banger.storage.disk.CowBackend;
import dev.banger.storage.disk.DmSnapshot;
import dev.banger.storage.disk.LoopDevices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageInputsTest {
    @TempDir
    Path tmp;

    @Test
    void pathsMustLieUnderTheStateDirWithNoLinksOnTheWay() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        StoragePaths paths = new StoragePaths(state);
        Files.createDirectories(state.resolve("images/abc"));
        assertEquals(state.resolve("images/abc/rootfs.ext4"), paths.guard(state + "/images/abc/rootfs.ext4"));
        assertEquals(state.resolve("new/file"), paths.guard(state + "/new/file"), "not existing yet is fine");

        for (String bad : new String[] {"relative/x", state + "/../etc/passwd", state + "/images/../../x", "/etc/shadow",
                state.toString(), ""}) {
            assertThrows(IllegalArgumentException.class, () -> paths.guard(bad), bad);
        }
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(state.resolve("escape"), outside);
        assertThrows(IllegalArgumentException.class, () -> paths.guard(state + "/escape/disk.ext4"));
        Files.createSymbolicLink(state.resolve("images/abc/rootfs.ext4"), Path.of("/etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> paths.guard(state + "/images/abc/rootfs.ext4"));
    }

    @Test
    void idsSizesLabelsAndGuestPaths() {
        assertThrows(IllegalArgumentException.class, () -> Names.requireVmId("../x"));
        assertThrows(IllegalArgumentException.class, () -> Names.requireImageId("IMG"));
        assertThrows(IllegalArgumentException.class, () -> StorageInputs.requireDiskSize(1024, "size"));
        assertThrows(IllegalArgumentException.class, () -> StorageInputs.requireDiskSize(3L << 40, "size"));
        assertEquals(8L << 30, StorageInputs.requireDiskSize(8L << 30, "size"));
        assertThrows(IllegalArgumentException.class, () -> StorageInputs.requireLabel("way-too-long-label-x"));
        assertEquals(Path.of("/root/.local/share/opencode/auth.json"),
                StorageInputs.requireGuestAuthPath("/root/.local/share/opencode/auth.json"));
        for (String bad : new String[] {"/etc/shadow", "/root/../etc/x", "/root/a b", "root/x", "/root/./x"}) {
            assertThrows(IllegalArgumentException.class, () -> StorageInputs.requireGuestAuthPath(bad), bad);
        }
    }

    @Test
    void dmSnapshotArgv() throws Exception {
        Path rootfs = Files.createFile(tmp.resolve("rootfs.ext4"));
        Path cowFile = tmp.resolve("root.cow");
        int uid = dev.banger.common.rpc.ServiceHost.currentUid();
        RecordingRunner run = new RecordingRunner().answering(argv -> {
            if (argv.contains("--json")) {
                return new CommandResult(0, "{\"loopdevices\": [" + loop("/dev/loop3", rootfs) + ","
                        + loop("/dev/loop4", cowFile) + "]}", "");
            }
            if (argv.get(0).equals("truncate")) {
                uncheckedCreate(cowFile);
            }
            return new CommandResult(0, argv.contains("--read-only") ? "/dev/loop3\n"
                    : argv.get(0).equals("losetup") ? "/dev/loop4\n" : "", "");
        });
        Path dev = new DmSnapshot(run, run, new LoopDevices(run, uid)).create("vm1", rootfs, cowFile,
                2L << 30, 8L << 30);
        assertEquals(Path.of("/dev/mapper/banger-vm1-root"), dev);
        List<String> list = List.of("losetup", "--json", "--list", "--output", "NAME,BACK-FILE,BACK-INO");
        assertEquals(List.of(
                List.of("losetup", "--find", "--show", "--read-only", rootfs.toString()), list,
                List.of("truncate", "-s", Long.toString(8L << 30), "--", cowFile.toString()),
                List.of("losetup", "--find", "--show", cowFile.toString()), list,
                List.of("dmsetup", "create", "banger-vm1-root", "--table",
                        "0 4194304 snapshot /dev/loop3 /dev/loop4 P 8")), run.calls());
    }

    @Test
    void dmRemoveDetachesTheOriginItDependsOn() {
        RecordingRunner run = new RecordingRunner().answering(argv -> new CommandResult(0,
                argv.contains("deps") ? "2 dependencies  : (loop4) (loop3)\n" : "", ""));
        new DmSnapshot(run, run, new LoopDevices(run, 0)).remove("vm1", List.of("/dev/loop4"));
        assertEquals(List.of(
                List.of("dmsetup", "deps", "-o", "devname", "banger-vm1-root"),
                List.of("dmsetup", "remove", "banger-vm1-root"),
                List.of("losetup", "--detach", "/dev/loop4"),
                List.of("losetup", "--detach", "/dev/loop3")), run.calls());
    }

    private static String loop(String name, Path file) {
        try {
            Object ino = Files.exists(file) ? Files.getAttribute(file, "unix:ino") : -1;
            return "{\"name\": \"" + name + "\", \"back-file\": \"" + file + "\", \"back-ino\": " + ino + "}";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void uncheckedCreate(Path p) {
        try {
            Files.createFile(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void backendNames() {
        assertEquals(CowBackend.REFLINK, CowBackend.parse("reflink"));
        assertThrows(IllegalArgumentException.class, () -> CowBackend.parse("zfs"));
    }
}
