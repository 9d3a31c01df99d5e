package dev.banger.orchestrator.vmm;

import dev.banger.common.ids.Names;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SNAP-1, SNAP-2: where running QEMU VMs keep their RAM, as shared files on tmpfs, so a
 * snapshot copies the RAM file instead of streaming it, and every VM restored from that
 * snapshot maps the copy privately: unchanged pages are one page-cache page for all of them.
 * One directory per orchestrator (its state directory's hash), private to the owner, so
 * no other user reads a guest's memory and no other orchestrator's sweep removes it.
 */
public final class SharedRamDir {
    private static final Logger LOG = Logger.getLogger(SharedRamDir.class.getName());
    private static final String SUFFIX = ".ram";
    private final Path dir;
    private final int ownerUid;

    public SharedRamDir(Path dir, int ownerUid) {
        this.dir = dir;
        this.ownerUid = ownerUid;
    }

    /** The directory for the orchestrator whose state is in stateDir, under /dev/shm. */
    public static SharedRamDir forState(Path stateDir, int ownerUid) {
        String tag = dev.banger.common.fs.Sha256.hex(stateDir.toAbsolutePath().toString()).substring(0, 12);
        return new SharedRamDir(Path.of("/dev/shm", "banger-" + ownerUid + "-" + tag), ownerUid);
    }

    /**
     * A new RAM file's path for vmId when tmpfs has room for all of memoryMib (a guest that
     * outgrew a full tmpfs would crash QEMU with SIGBUS); empty: the VM's RAM stays anonymous.
     */
    public Optional<Path> fileFor(String vmId, int memoryMib) {
        try {
            ensureDir();
            if (Files.getFileStore(dir).getUsableSpace() < (long) memoryMib << 20) {
                return Optional.empty();
            }
            Path f = file(vmId);
            Files.deleteIfExists(f);
            return Optional.of(f);
        } catch (IOException e) {
            LOG.log(Level.INFO, "guest RAM stays anonymous: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The VM's RAM file, if it has one (it ran with shared RAM). */
    public Optional<Path> existing(String vmId) {
        Path f = file(vmId);
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Optional.of(f) : Optional.empty();
    }

    /** Frees the RAM of a VM whose VMM has exited. */
    public void discard(String vmId) {
        try {
            Files.deleteIfExists(file(vmId));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete the RAM file of " + vmId + ": " + e.getMessage());
        }
    }

    /** Frees every RAM file but those of live VMs (a VMM that died, a VM deleted while this process was down). */
    public void sweep(Set<String> liveVmIds) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!liveVmIds.contains(name.substring(0, name.length() - SUFFIX.length()))) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not sweep " + dir + ": " + e.getMessage());
        }
    }

    private Path file(String vmId) {
        return dir.resolve(Names.requireVmId(vmId) + SUFFIX);
    }

    /** Made 0700 if missing; an existing one must be a real directory of the owner's, 0700 (not a planted link). */
    private void ensureDir() throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // checked below like any existing one
            }
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || uid != ownerUid || !a.permissions().equals(EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))) {
            throw new IOException(dir + " is not a private directory of uid " + ownerUid);
        }
    }
}
