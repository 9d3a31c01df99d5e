package dev.banger.storage;

import dev.banger.common.ids.RandomIds;
import dev.banger.common.ids.Names;
import dev.banger.common.layout.StorageStageDir;
import dev.banger.common.layout.VmDir;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.fs.FileTrees;
import dev.banger.common.testhook.StepPause;
import dev.banger.storage.disk.CowBackend;
import dev.banger.storage.disk.DmSnapshot;
import dev.banger.storage.disk.Ext4;
import dev.banger.storage.disk.LoopDevices;
import dev.banger.storage.owner.OwnerCredentials;
import dev.banger.storage.owner.OwnerFiles;
import dev.banger.storage.vmconfig.VmConfig;
import dev.banger.storage.vmconfig.VmConfigDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Disks for VMs (STO-1..4), ensure/release style. Every file is made under a temp
 * name beside its target and renamed into place, so a failure leaves nothing
 * half-written. All of that file work, and every e2fsprogs run on a disk a guest
 * wrote, happens with the owner's credentials ({@link OwnerFiles}); root itself only
 * attaches loop devices and creates device-mapper targets (SEC-2). Operations on one VM
 * are serialised; different VMs run in parallel.
 */
public final class StorageService {
    static final long CONFIG_DISK_BYTES = 8L << 20;

    private final StoragePaths paths;
    private final Ext4 ext4;
    private final DmSnapshot dm;
    private final LoopDevices loops;
    private final OwnerFiles files;
    private final CowBackend backend;
    private final OwnerCredentials owner;
    private final Path privateTmp;
    private final ConcurrentHashMap<String, Object> vmLocks = new ConcurrentHashMap<>();
    private StepPause pause = StepPause.NONE;

    /**
     * root runs the programs that need root (losetup, dmsetup); everything else runs as
     * owner. privateTmp is a directory only this service can write (the config stage).
     */
    public StorageService(StoragePaths paths, CommandRunner root, CowBackend backend, OwnerCredentials owner,
            Path privateTmp) {
        this.paths = paths;
        this.owner = owner;
        this.files = new OwnerFiles(owner.runner());
        this.ext4 = new Ext4(files.runner());
        this.loops = new LoopDevices(root, owner.uid());
        this.dm = new DmSnapshot(root, files.runner(), loops);
        this.backend = backend;
        this.privateTmp = privateTmp;
    }

    public record Disk(String vmId, Path path, String backend, long sizeBytes) {
    }

    public record State(List<Disk> disks, List<String> loopDevices, String cowBackend) {
    }

    /** Crash tests only (StepPause). */
    public void pauseAt(StepPause pause) {
        this.pause = pause;
    }

    public CowBackend backend() {
        return backend;
    }

    /** The VM's root disk: kept if it exists (a restart reuses it), else made from the image. */
    public Disk createRootDisk(String vmId, String imageId, long overlayBytes) {
        Names.requireVmId(vmId);
        StorageInputs.requireDiskSize(overlayBytes, "overlay size");
        Path rootfs = paths.imageRootfs(imageId);
        long rootfsBytes = files.size(rootfs)
                .orElseThrow(() -> new NotFoundException(Reason.IMAGE_MISSING, "image file missing: " + rootfs));
        synchronized (lock(vmId)) {
            Path dir = vmDir(vmId);
            if (backend == CowBackend.DM_SNAPSHOT) {
                Path dev = dm.create(vmId, rootfs, new VmDir(dir).rootCow(), rootfsBytes, overlayBytes);
                return new Disk(vmId, dev, backend.label(), rootfsBytes);
            }
            Path target = new VmDir(dir).rootDisk();
            if (!files.exists(target)) {
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
        Names.requireVmId(vmId);
        StorageInputs.requireDiskSize(sizeBytes, "work disk size");
        Path seed = paths.imageWorkSeed(imageId);
        if (files.size(seed).isEmpty()) {
            throw new NotFoundException(Reason.IMAGE_MISSING, "image file missing: " + seed);
        }
        synchronized (lock(vmId)) {
            Path target = new VmDir(vmDir(vmId)).workDisk();
            if (files.exists(target)) {
                long current = files.requireSize(target);
                if (sizeBytes < current) {
                    throw new FailedPreconditionException("work disk of " + vmId + " is " + current
                            + " bytes; shrinking it to " + sizeBytes + " would lose data");
                }
                ext4.growTo(target, sizeBytes);
                return disk(vmId, target);
            }
            atomically(target, tmp -> {
                ext4.cloneFile(seed, tmp);
                pause.reached("storage", "grow work disk"); // crash tests: a temp copy, not yet renamed
                if (sizeBytes > files.requireSize(tmp)) {
                    ext4.growTo(tmp, sizeBytes);
                }
            });
            return disk(vmId, target);
        }
    }

    /**
     * (Re)writes the VM's config disk for its next boot. The layout is staged in this
     * service's private temp dir (see shareWithOwner) and
     * made into a filesystem by the owner.
     */
    public Disk writeVmConfig(VmConfig config) {
        VmConfigDisk.validate(config);
        synchronized (lock(config.vmId())) {
            Path dir = vmDir(config.vmId());
            Path stage = null;
            try {
                stage = Files.createTempDirectory(privateTmp, StorageStageDir.CONFIG_STAGE_PREFIX);
                VmConfigDisk.stage(config, stage);
                shareWithOwner(stage);
                pause.reached("storage", "make config disk"); // crash tests: a stage in the private temp dir
                Path from = stage;
                atomically(new VmDir(dir).configDisk(), tmp -> ext4.mkfs(tmp, CONFIG_DISK_BYTES, "banger-cfg",
                        Optional.of(from)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stage the config of " + config.vmId(), e);
            } finally {
                if (stage != null) {
                    FileTrees.deleteTree(stage);
                }
            }
            return disk(config.vmId(), new VmDir(dir).configDisk());
        }
    }

    /**
     * Removes the temp files and reflink probes a kill left in the VMs' directories (as
     * the owner), and this service's own stage directories; run at start, before any
     * call is served.
     */
    public void sweepLeftovers() {
        files.runner().run(List.of("find", paths.vmsDir().toString(), "-mindepth", "1", "-maxdepth", "2",
                "(", "-name", ".*.tmp-*", "-o", "-name", ".reflink-probe*", ")", "-delete"));
        try (Stream<Path> stages = Files.list(privateTmp)) {
            stages.filter(p -> p.getFileName().toString().startsWith(StorageStageDir.CONFIG_STAGE_PREFIX))
                    .forEach(FileTrees::deleteTree);
        } catch (IOException e) {
            // nothing to sweep
        }
    }

    /** Removes every disk of the VM (and its snapshot, if any). Returns whether there was anything. */
    public boolean releaseVmDisks(String vmId) {
        Names.requireVmId(vmId);
        synchronized (lock(vmId)) {
            Path dir = paths.vmDir(vmId);
            boolean existed = false;
            if (backend == CowBackend.DM_SNAPSHOT) {
                existed = dm.remove(vmId, loopsBacking(dir));
            }
            if (files.exists(dir)) {
                files.removeTree(dir);
                existed = true;
            }
            return existed; // the lock object stays: a waiter on it must not race a newcomer with a fresh one
        }
    }

    /** e2fsck -fy of a disk under the state dir, run as the owner (the disk is guest-written). */
    public CommandResult fsck(String path) {
        Path p = paths.guard(path);
        files.requireSize(p);
        return ext4.fsck(p);
    }

    public State state() {
        List<Disk> disks = new ArrayList<>();
        for (OwnerFiles.Listed f : files.filesOneLevelDown(paths.vmsDir())) {
            if (VmDir.DISK_NAMES.contains(f.name())) {
                Path p = paths.vmsDir().resolve(f.dir()).resolve(f.name());
                disks.add(new Disk(f.dir(), p, VmDir.isRootDisk(p) ? backend.label() : "file", f.sizeBytes()));
            }
        }
        return new State(disks, loopsBacking(paths.stateDir()), backend.label());
    }

    /** Loop devices whose backing file lies under dir. */
    private List<String> loopsBacking(Path dir) {
        return loops.list().stream().filter(l -> l.backingFile().startsWith(dir + "/"))
                .map(LoopDevices.Loop::device).toList();
    }

    private interface FileMaker {
        void make(Path tmp) throws IOException;
    }

    /** Makes target (as the owner) under a temp name beside it, mode 0600, then renames it into place. */
    private void atomically(Path target, FileMaker maker) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + suffix());
        try {
            maker.make(tmp);
            files.chmodPrivate(tmp);
            files.replace(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            files.runner().run(List.of("rm", "-f", "--", tmp.toString())); // a leftover temp name is never read
        }
    }

    /** The VM's directory, made by the owner: the orchestrator keeps its VMM's sockets and logs there. */
    private Path vmDir(String vmId) {
        Path dir = paths.vmDir(vmId);
        files.mkdirs(dir);
        return dir;
    }

    /**
     * Lets the owner read the stage and nothing more: directories stay root's (group the
     * owner's, 0750) so the owner cannot rename or plant anything in them; files become
     * the owner's with their modes kept, so the disk says 0600 where the guest expects it.
     */
    private void shareWithOwner(Path stage) throws IOException {
        if (owner.isSelf()) {
            return;
        }
        try (Stream<Path> all = Files.walk(stage)) {
            for (Path p : all.toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setAttribute(p, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-x---"));
                } else {
                    Files.setAttribute(p, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private Disk disk(String vmId, Path p) {
        return new Disk(vmId, p, VmDir.isRootDisk(p) ? backend.label() : "file",
                files.requireSize(p));
    }

    private Object lock(String vmId) {
        return vmLocks.computeIfAbsent(vmId, k -> new Object());
    }

    private static String suffix() {
        return RandomIds.hex(4);
    }
}
