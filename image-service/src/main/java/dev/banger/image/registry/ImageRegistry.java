package dev.banger.image.registry;

import dev.banger.common.ids.RandomIds;
import dev.banger.common.ids.Names;
import dev.banger.common.layout.ImageDir;
import dev.banger.common.errors.AlreadyExistsException;
import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.fs.FileTrees;
import dev.banger.image.store.ImageRecord;
import dev.banger.image.store.ImageStore;
import dev.banger.image.store.KernelRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Images and kernels (IMG-1, IMG-6). Each lives in its own directory under the state
 * dir, named by id (STATE/images/ID, STATE/kernels/ID), which the storage service
 * finds by the same id. A failed add leaves neither a record nor a directory.
 */
public final class ImageRegistry {

    private final ImageStore store;
    private final ImageFiles files;
    private final Path stateDir;

    public ImageRegistry(ImageStore store, ImageFiles files, Path stateDir) {
        this.store = store;
        this.files = files;
        this.stateDir = stateDir;
    }

    public List<ImageRecord> images() {
        return store.images();
    }

    public ImageRecord image(String ref) {
        return store.image(ref).orElseThrow(() -> new NotFoundException(Reason.IMAGE_MISSING, "no image named " + ref));
    }

    public List<KernelRecord> kernels() {
        return store.kernels();
    }

    public KernelRecord kernel(String ref) {
        return store.kernel(ref).orElseThrow(() -> new NotFoundException(Reason.KERNEL_MISSING, "no kernel named " + ref));
    }

    public Path imageDir(String id) {
        return stateDir.resolve("images").resolve(id);
    }

    public Path kernelDir(String id) {
        return stateDir.resolve("kernels").resolve(id);
    }

    /** Adds an existing ext4 rootfs as an image (copied in, so the original may go). */
    public ImageRecord register(String name, Path rootfs, String kernelRef, String source, String recipeHash) {
        Names.requireImageName(name, "image");
        ImageFiles.requireRegularFile(rootfs, "--rootfs");
        if (!ImageFiles.isExt4(rootfs)) {
            throw new InvalidArgumentException(rootfs + " is not an ext4 filesystem image");
        }
        Optional<KernelRecord> kernel = kernelRef == null || kernelRef.isEmpty() ? Optional.empty()
                : Optional.of(kernel(kernelRef));
        requireFreeImageName(name);
        String id = newId();
        Path dir = imageDir(id);
        try {
            Files.createDirectories(dir);
            Path target = new ImageDir(dir).rootfs();
            files.copy(rootfs, target);
            Path seed = new ImageDir(dir).workSeed();
            files.makeWorkSeed(seed);
            ImageRecord record = new ImageRecord(id, name, files.distro(target).orElse("unknown"), "amd64",
                    kernel.map(KernelRecord::id).orElse(null), kernel.map(KernelRecord::name).orElse(null),
                    target.toString(), seed.toString(), ImageFiles.size(target), FileTrees.sha256(target),
                    recipeHash, source, Instant.now());
            store.insert(record);
            return record;
        } catch (IOException e) {
            FileTrees.deleteTree(dir);
            throw new UncheckedIOException("cannot add image " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            FileTrees.deleteTree(dir);
            throw e;
        }
    }

    /** Makes one new image: puts its rootfs at imageDir/rootfs.ext4 (scratch space in work) and adopts it. */
    public interface NewImage {
        ImageRecord make(String id, Path work, Path imageDir) throws IOException;
    }

    /**
     * The frame every new image is made in (build, catalog pull, OCI pull): a free name,
     * a fresh id, a scratch directory under STATE/builds and the image's own directory.
     * Whatever ends the making, an Error too, the scratch goes, and on failure the image
     * directory as well: nothing half-made stays in the store.
     */
    public ImageRecord create(String name, NewImage maker) {
        Names.requireImageName(name, "image");
        requireFreeImageName(name);
        String id = newId();
        Path work = stateDir.resolve("builds").resolve(id);
        Path dir = imageDir(id);
        boolean done = false;
        try {
            Files.createDirectories(work);
            Files.createDirectories(dir);
            ImageRecord image = maker.make(id, work, dir);
            done = true;
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make image " + name + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                FileTrees.deleteTree(dir);
            }
            FileTrees.deleteTree(work);
        }
    }

    /**
     * Records an image whose rootfs a build already put at imageDir(id)/rootfs.ext4;
     * adds the work seed and checksum. A failure removes the directory.
     */
    public ImageRecord adopt(String id, String name, String distro, KernelRecord kernel, String source,
            String recipeHash) {
        Names.requireImageName(name, "image");
        Path dir = imageDir(id);
        Path rootfs = new ImageDir(dir).rootfs();
        try {
            ImageFiles.requireRegularFile(rootfs, "built rootfs");
            requireFreeImageName(name);
            Path seed = new ImageDir(dir).workSeed();
            files.makeWorkSeed(seed);
            ImageRecord record = new ImageRecord(id, name, files.distro(rootfs).orElse(distro), "amd64",
                    kernel == null ? null : kernel.id(), kernel == null ? null : kernel.name(), rootfs.toString(),
                    seed.toString(), ImageFiles.size(rootfs), FileTrees.sha256(rootfs), recipeHash, source,
                    Instant.now());
            store.insert(record);
            return record;
        } catch (RuntimeException e) {
            FileTrees.deleteTree(dir);
            throw e;
        }
    }

    /**
     * Adds a kernel from a directory holding a bzImage (vmlinuz*, bzImage) and/or an ELF
     * vmlinux, optionally an initrd (initrd*, initramfs*) and a modules/ directory.
     */
    public KernelRecord importKernel(String name, Path from, String source) {
        Names.requireImageName(name, "kernel");
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidArgumentException("--from must be a directory: " + from);
        }
        Optional<Path> bzImage = find(from, "bzImage", "vmlinuz").filter(ImageFiles::isBzImage);
        Optional<Path> vmlinux = find(from, "vmlinux").filter(ImageFiles::isElf);
        Optional<Path> initrd = find(from, "initrd", "initramfs");
        Path modules = from.resolve("modules");
        if (bzImage.isEmpty() && vmlinux.isEmpty()) {
            throw new InvalidArgumentException(from + " holds neither a bzImage (vmlinuz*) nor an ELF vmlinux");
        }
        if (store.kernel(name).isPresent()) {
            throw new AlreadyExistsException(Reason.NAME_TAKEN, "a kernel named " + name + " already exists");
        }
        String id = newId();
        Path dir = kernelDir(id);
        try {
            Files.createDirectories(dir);
            String bz = copyInto(bzImage, dir.resolve("bzImage"));
            String elf = copyInto(vmlinux, dir.resolve("vmlinux"));
            String rd = copyInto(initrd, dir.resolve("initrd.img"));
            String mods = null;
            if (Files.isDirectory(modules, LinkOption.NOFOLLOW_LINKS)) {
                files.copyTree(modules, dir.resolve("modules"));
                mods = dir.resolve("modules").toString();
            }
            KernelRecord k = new KernelRecord(id, name, elf, bz, rd, mods, source, Instant.now());
            store.insert(k);
            return k;
        } catch (IOException e) {
            FileTrees.deleteTree(dir);
            throw new UncheckedIOException("cannot import kernel " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            FileTrees.deleteTree(dir);
            throw e;
        }
    }

    public ImageRecord deleteImage(String ref) {
        ImageRecord i = image(ref);
        store.deleteImage(i.id());
        FileTrees.deleteTree(imageDir(i.id()));
        return i;
    }

    public KernelRecord deleteKernel(String ref) {
        KernelRecord k = kernel(ref);
        List<String> users = store.imagesUsingKernel(k.id());
        if (!users.isEmpty()) {
            throw new FailedPreconditionException(Reason.KERNEL_IN_USE, "kernel " + k.name() + " is used by image(s) " + String.join(", ", users));
        }
        store.deleteKernel(k.id());
        FileTrees.deleteTree(kernelDir(k.id()));
        return k;
    }

    public void requireFreeImageName(String name) {
        if (store.image(name).isPresent()) {
            throw new AlreadyExistsException(Reason.NAME_TAKEN, "an image named " + name + " already exists");
        }
    }

    private String copyInto(Optional<Path> from, Path to) {
        if (from.isEmpty()) {
            return null;
        }
        files.copy(from.get(), to);
        return to.toString();
    }

    /** The first regular file in dir whose name starts with one of the prefixes (sorted, so the choice is stable). */
    private static Optional<Path> find(Path dir, String... prefixes) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted()
                    .filter(p -> Stream.of(prefixes).anyMatch(pre -> p.getFileName().toString().startsWith(pre)))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String newId() {
        return RandomIds.newId();
    }
}
