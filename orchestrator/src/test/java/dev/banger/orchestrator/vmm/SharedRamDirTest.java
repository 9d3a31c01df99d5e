package dev.banger.orchestrator.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedRamDirTest {
    @TempDir
    Path tmp;

    private static final int ME = dev.banger.common.rpc.ServiceHost.currentUid();

    @Test
    void aRunningVmsRamFileIsInAPrivateDirectoryAndGoesWithItsVmm() throws Exception {
        SharedRamDir ram = new SharedRamDir(tmp.resolve("ram"), ME);
        Path f = ram.fileFor("0f3c0f3c0f3c0f3c", 2048).orElseThrow();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(f.getParent())));
        Files.writeString(f, "guest pages"); // QEMU makes it
        assertEquals(Optional.of(f), ram.existing("0f3c0f3c0f3c0f3c"));
        ram.discard("0f3c0f3c0f3c0f3c");
        assertFalse(Files.exists(f));
        assertTrue(ram.existing("0f3c0f3c0f3c0f3c").isEmpty(), "a VM without one streams its RAM into a snapshot");
    }

    @Test
    void aPlantedLinkOrAnotherUsersDirectoryIsNeverUsedAndTheRamStaysAnonymous() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("theirs"));
        Files.createSymbolicLink(tmp.resolve("ram"), elsewhere);
        assertTrue(new SharedRamDir(tmp.resolve("ram"), ME).fileFor("0f3c0f3c0f3c0f3c", 64).isEmpty());
        Path other = Files.createDirectory(tmp.resolve("other"), java.nio.file.attribute.PosixFilePermissions
                .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        assertTrue(new SharedRamDir(other, ME + 1).fileFor("0f3c0f3c0f3c0f3c", 64).isEmpty(), "not its owner's");
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(new SharedRamDir(open, ME).fileFor("0f3c0f3c0f3c0f3c", 64).isEmpty(), "others could read guest memory");
        assertEquals(0, Files.list(elsewhere).count());
    }

    @Test
    void roomForLessThanAllOfTheGuestsMemoryKeepsItAnonymous() {
        assertTrue(new SharedRamDir(tmp.resolve("ram"), ME).fileFor("0f3c0f3c0f3c0f3c", 1 << 30).isEmpty(),
                "a guest that outgrew a full tmpfs would crash its VMM");
    }

    @Test
    void aSweepFreesTheRamOfEveryVmButTheLiveOnes() throws Exception {
        SharedRamDir ram = new SharedRamDir(tmp.resolve("ram"), ME);
        Path live = ram.fileFor("1111111111111111", 64).orElseThrow();
        Path dead = ram.fileFor("2222222222222222", 64).orElseThrow();
        Files.writeString(live, "x");
        Files.writeString(dead, "x");
        Path other = Files.writeString(tmp.resolve("ram/notes.txt"), "not ours to judge");
        ram.sweep(Set.of("1111111111111111"));
        assertTrue(Files.exists(live));
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(other, LinkOption.NOFOLLOW_LINKS));
    }
}
