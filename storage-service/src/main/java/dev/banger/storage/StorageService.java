package dev.banger.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.banger.exec.CommandResult;
import dev.banger.exec.CommandRunner;
import dev.banger.fs.FileTrees;
import dev.banger.storage.disk.CowBackend;
import dev.banger.storage.disk.DmSnapshot;
import dev.banger.storage.disk.Ext4;
import dev.banger.storage.vmconfig.VmConfig;
import dev.banger.storage.vmconfig.VmConfigDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Disks for VMs (STO-1..4), ensure/release style. Every file is made under a temp
 * name beside its target and renamed into place, so a failure leaves nothing
 * half-written; disks belong to the owner uid with mode 0600 so an unprivileged VMM
 * can open them. Operations on one VM are serialised; different VMs run in parallel.
 */
public final class StorageService {
    public static final String ROOT = "root.ext4";
    public static final String WORK = "work.ext4";
    public static final String CONFIG = "config.ext4";
    static final long CONFIG_DISK_BYTES = 8L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StoragePaths paths;
    private final Ext4 ext4;
    private final DmSnapshot dm;
    private final CommandRunner run;
    private final CowBackend backend;
    private final int ownerUid;
    private final ConcurrentHashMap<String, Object> vmLocks = new ConcurrentHashMap<>();

    public StorageService(StoragePaths paths, CommandRunner run, CowBackend backend, int ownerUid) {
        this.paths = paths;
        this.run = run;
        this.ext4 = new Ext4(run);
        this.dm = new DmSnapshot(run);
        this.backend = backend;
        this.ownerUid = ownerUid;
    }

    public record Disk(String vmId, Path path, String backend, long sizeBytes) {
    }

    public record State(List<Disk> disks, List<String> loopDevices, String cowBackend) {
    }

    public CowBackend backend() {
        return backend;
    }

    /** The VM's root disk: kept if it exists (a restart reuses it), else made from the image. */
    public Disk createRootDisk(String vmId, String imageId, long overlayBytes) {
        StorageInputs.requireVmId(vmId);
        Path rootfs = requireImageFile(paths.imageRootfs(imageId));
        StorageInputs.requireDiskSize(overlayBytes, "overlay size");
        synchronized (lock(vmId)) {
            Path dir = vmDir(vmId);
            if (backend == CowBackend.DM_SNAPSHOT) {
                Path dev = dm.create(vmId, rootfs, dir.resolve("root.cow"), size(rootfs), overlayBytes);
                return new Disk(vmId, dev, backend.label(), size(rootfs));
            }
            Path target = dir.resolve(ROOT);
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                atomically(target, tmp -> ext4.cloneFile(rootfs, tmp));
            }
            return disk(vmId, target);
        }
    }

    /**
     * The VM's work disk (mounted at /root): a clone of the image's work seed grown to
     * sizeBytes. An existing one keeps its data: it is checked and grown, never shrunk.
     */
    public Disk createWorkDisk(String vmId, String imageId, long sizeBytes) {
        StorageInputs.requireVmId(vmId);
        Path seed = requireImageFile(paths.imageWorkSeed(imageId));
        StorageInputs.requireDiskSize(sizeBytes, "work disk size");
        synchronized (lock(vmId)) {
            Path target = vmDir(vmId).resolve(WORK);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                paths.requireNoLinks(target);
                long current = size(target);
                if (sizeBytes < current) {
                    throw new IllegalStateException("work disk of " + vmId + " is " + current
                            + " bytes; shrinking it to " + sizeBytes + " would lose data");
                }
                if (sizeBytes > current) {
                    ext4.grow(target, sizeBytes);
                } else {
                    ext4.requireClean(target);
                }
                return disk(vmId, target);
            }
            atomically(target, tmp -> {
                ext4.cloneFile(seed, tmp);
                if (sizeBytes > size(tmp)) {
                    ext4.grow(tmp, sizeBytes);
                }
            });
            return disk(vmId, target);
        }
    }

    /** (Re)writes the VM's config disk for its next boot. */
    public Disk writeVmConfig(VmConfig config) {
        VmConfigDisk.validate(config);
        synchronized (lock(config.vmId())) {
            Path dir = vmDir(config.vmId());
            Path stage = dir.resolve(".config-stage-" + suffix());
            try {
                Files.createDirectory(stage);
                VmConfigDisk.stage(config, stage);
                atomically(dir.resolve(CONFIG), tmp -> ext4.mkfs(tmp, CONFIG_DISK_BYTES, "banger-cfg",
                        Optional.of(stage)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stage the config of " + config.vmId(), e);
            } finally {
                FileTrees.deleteTree(stage);
            }
            return disk(config.vmId(), dir.resolve(CONFIG));
        }
    }

    /** Removes every disk of the VM (and its snapshot, if any). Returns whether there was anything. */
    public boolean releaseVmDisks(String vmId) {
        StorageInputs.requireVmId(vmId);
        synchronized (lock(vmId)) {
            Path dir = paths.vmDir(vmId);
            boolean existed = false;
            if (backend == CowBackend.DM_SNAPSHOT) {
                existed = dm.remove(vmId, loopsBacking(dir));
            }
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                paths.requireNoLinks(dir);
                FileTrees.deleteTree(dir);
                existed = true;
            }
            return existed; // the lock object stays: a waiter on it must not race a newcomer with a fresh one
        }
    }

    /** Builds an ext4 file from a staging directory (image builds). Both paths must lie under the state dir. */
    public Disk buildExt4(String stagingDir, String outputPath, long sizeBytes, String label) {
        Path stage = paths.guard(stagingDir);
        Path out = buildTarget(outputPath, sizeBytes, label);
        if (!Files.isDirectory(stage, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("staging_dir is not a directory: " + stage);
        }
        paths.ensureDir(out.getParent());
        return mkfsInto(out, sizeBytes, label, stage);
    }

    /** The output of a build: under the state dir, with a valid size and label. */
    private Path buildTarget(String outputPath, long sizeBytes, String label) {
        Path out = paths.guard(outputPath);
        StorageInputs.requireDiskSize(sizeBytes, "size");
        StorageInputs.requireLabel(label);
        return out;
    }

    private Disk mkfsInto(Path out, long sizeBytes, String label, Path from) {
        atomically(out, tmp -> ext4.mkfs(tmp, sizeBytes, label, Optional.of(from)));
        return new Disk("", out, "ext4", size(out));
    }

    /**
     * Builds an ext4 file from a tar archive: unpacked as root into a private staging
     * directory beside the output (numeric owners, modes, devices kept), made into the
     * filesystem, and the staging directory removed whatever happens.
     */
    public Disk buildExt4FromTar(String tarPath, String outputPath, long sizeBytes, String label) {
        Path tar = paths.guard(tarPath);
        Path out = buildTarget(outputPath, sizeBytes, label);
        if (!Files.isRegularFile(tar, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("tar_path is not a file: " + tar);
        }
        paths.ensureDir(out.getParent());
        Path stage = out.resolveSibling("." + out.getFileName() + ".stage-" + suffix());
        try {
            Files.createDirectory(stage);
            List<String> untar = List.of("tar", "--extract", "--numeric-owner", "--preserve-permissions",
                    "--same-owner", "--file", tar.toString(), "--directory", stage.toString());
            run.run(untar, java.time.Duration.ofMinutes(10)).orThrow(untar);
            return mkfsInto(out, sizeBytes, label, stage);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + tar, e);
        } finally {
            FileTrees.deleteTree(stage);
        }
    }

    public CommandResult fsck(String path) {
        Path p = paths.guard(path);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.util.NoSuchElementException("no disk image at " + p);
        }
        return ext4.fsck(p);
    }

    public State state() {
        List<Disk> disks = new ArrayList<>();
        Path vms = paths.vmsDir();
        if (Files.isDirectory(vms, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> dirs = Files.list(vms)) {
                for (Path dir : dirs.sorted().toList()) {
                    for (String name : List.of(ROOT, WORK, CONFIG)) {
                        Path f = dir.resolve(name);
                        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                            disks.add(disk(dir.getFileName().toString(), f));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new State(disks, loopsBacking(paths.stateDir()), backend.label());
    }

    /** Loop devices whose backing file lies under dir. */
    private List<String> loopsBacking(Path dir) {
        CommandResult r = run.run(List.of("losetup", "--json", "--list"));
        List<String> out = new ArrayList<>();
        if (!r.ok() || r.stdout().isBlank()) {
            return out;
        }
        try {
            for (JsonNode d : JSON.readTree(r.stdout()).path("loopdevices")) {
                if (d.path("back-file").asText("").startsWith(dir.toString() + "/")) {
                    out.add(d.path("name").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse losetup output", e);
        }
        return out;
    }

    private interface FileMaker {
        void make(Path tmp) throws IOException;
    }

    /** Makes target under a temp name beside it, hands it to the owner (0600), then renames it into place. */
    private void atomically(Path target, FileMaker maker) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + suffix());
        try {
            maker.make(tmp);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.setAttribute(tmp, "unix:uid", ownerUid, LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do; a leftover temp name is never read
            }
        }
    }

    /** The VM's directory, owned by the owner: the orchestrator keeps its VMM's sockets and logs there. */
    private Path vmDir(String vmId) {
        Path dir = paths.ensureDir(paths.vmDir(vmId));
        try {
            Files.setAttribute(dir, "unix:uid", ownerUid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + dir + " to uid " + ownerUid, e);
        }
        return dir;
    }

    private Path requireImageFile(Path p) {
        paths.requireNoLinks(p);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.util.NoSuchElementException("image file missing: " + p);
        }
        return p;
    }

    private Disk disk(String vmId, Path p) {
        return new Disk(vmId, p, p.getFileName().toString().equals(ROOT) ? backend.label() : "file", size(p));
    }

    private Object lock(String vmId) {
        return vmLocks.computeIfAbsent(vmId, k -> new Object());
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String suffix() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
