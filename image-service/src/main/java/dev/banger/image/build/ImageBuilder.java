package dev.banger.image.build;

import dev.banger.common.fs.Sha256;
import dev.banger.common.ids.Names;
import dev.banger.common.layout.ImageDir;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.exec.CommandRunner;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.image.store.ImageRecord;
import dev.banger.image.store.KernelRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * `banger image build NAME --from debian:SUITE` (IMG-2, IMG-3):
 * <ol>
 * <li>bootstrap: mmdebstrap makes the base tree as a tar, cached per recipe hash, so a
 * machine bootstraps each recipe once (concurrent builds of one recipe wait for the first);</li>
 * <li>rootfs: banger's guest files are overlaid and the storage service makes the ext4;</li>
 * <li>kernel: bzImage, vmlinux and initramfs from the same tree, registered once per version;</li>
 * <li>register: the image record, keyed also by its recipe hash.</li>
 * </ol>
 */
public final class ImageBuilder {
    private static final long MIB = 1L << 20;

    private final ImageRegistry registry;
    private final CommandRunner run;
    private final Path stateDir;
    private final Path cacheDir;
    private final Optional<Path> agentJar;
    private final Ext4FromTar ext4;
    private final ConcurrentHashMap<String, Object> recipeLocks = new ConcurrentHashMap<>();

    public ImageBuilder(ImageRegistry registry, CommandRunner run, Path stateDir, Path cacheDir,
            Optional<Path> agentJar, Ext4FromTar ext4) {
        this.registry = registry;
        this.run = run;
        this.stateDir = stateDir;
        this.cacheDir = cacheDir;
        this.agentJar = agentJar;
        this.ext4 = ext4;
    }

    /** progress receives (phase, detail) as each phase starts. */
    /** Which guest files an image was built with (images imported or pulled have none). */
    static final String GUEST_HASH_FILE = "guest-files.sha256";
    private volatile String currentGuestHash;

    /**
     * Whether banger built this image with other guest files than this build of banger
     * has: its VMs would boot the older init and scripts (e.g. without banger-made SSH
     * host keys). A built image without the record predates it, so it is stale too.
     * Images banger did not build (imported, pulled) are never stale.
     */
    public boolean guestFilesStale(ImageRecord image) {
        if (!"build".equals(image.source()) || agentJar.filter(Files::isRegularFile).isEmpty()) {
            return false;
        }
        Path recorded = Path.of(image.rootfsPath()).resolveSibling(GUEST_HASH_FILE);
        try {
            if (!Files.isRegularFile(recorded)) {
                return true;
            }
            if (currentGuestHash == null) {
                currentGuestHash = GuestOverlay.hash(GuestOverlay.guestFiles(agentJar.get()));
            }
            return !Files.readString(recorded).strip().equals(currentGuestHash);
        } catch (IOException e) {
            return false;
        }
    }

    public ImageRecord build(String name, String from, List<String> packages, String mirror,
            BiConsumer<String, String> progress) {
        return build(name, from, packages, mirror, Preset.NONE, progress);
    }

    public ImageRecord build(String name, String from, List<String> packages, String mirror, Preset preset,
            BiConsumer<String, String> progress) {
        Names.requireImageName(name, "image");
        String chosenMirror = mirror == null || mirror.isEmpty()
                ? HostMirror.find(Path.of("/etc/apt")).orElseThrow(() -> new FailedPreconditionException(
                        "this host has no Debian mirror in its apt sources; pass --mirror URL"))
                : mirror;
        List<String> all = new java.util.ArrayList<>(packages);
        all.addAll(preset.debianPackages());
        Recipe recipe = Recipe.of(from, all, chosenMirror);
        Path jar = agentJar.filter(Files::isRegularFile).orElseThrow(() -> new FailedPreconditionException(
                "the guest agent jar is not available (banger.guest-agent.jar); build banger first"));
        registry.requireFreeImageName(name); // before a bootstrap that can take a minute

        Path base = baseTree(recipe, progress);
        List<Path> layers;
        try {
            layers = preset.npmPackages().isEmpty() ? List.of()
                    : List.of(new NpmLayer(run, cacheDir).layer(preset, progress));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the npm layer in " + cacheDir, e);
        }
        return registry.create(name, (id, work, imageDir) -> {
            progress.accept("rootfs", "guest files and ext4");
            List<GuestOverlay.GuestFile> guest = GuestOverlay.guestFiles(jar);
            Files.writeString(imageDir.resolve(GUEST_HASH_FILE), GuestOverlay.hash(guest) + "\n");
            Path tar = work.resolve("rootfs.tar");
            GuestOverlay.write(base, guest, layers, tar);
            ext4.build(tar, new ImageDir(imageDir).rootfs(), sizeFor(Files.size(tar)), "rootfs");
            Files.delete(tar);

            progress.accept("kernel", "bzImage, vmlinux, initramfs");
            KernelRecord kernel = kernelFor(base, work.resolve("kernel"));

            progress.accept("register", name);
            String recipeHash = Sha256.hex(recipe.baseHash() + "\n" + GuestOverlay.hash(guest)
                    + (preset.npmPackages().isEmpty() ? "" : "\n" + String.join(" ", preset.npmPackages())));
            return registry.adopt(id, name, "debian", kernel, "build", recipeHash);
        });
    }

    /** The cached base tree for a recipe, bootstrapped under a per-recipe lock if missing. */
    Path baseTree(Recipe recipe, BiConsumer<String, String> progress) {
        Path tar = cacheDir.resolve("base-" + recipe.baseHash() + ".tar");
        synchronized (recipeLocks.computeIfAbsent(recipe.baseHash(), k -> new Object())) {
            if (Files.isRegularFile(tar)) {
                progress.accept("bootstrap", "cached " + tar.getFileName());
                return tar;
            }
            progress.accept("bootstrap", "mmdebstrap " + recipe.suite() + " (" + recipe.packages().size() + " packages)");
            try {
                Files.createDirectories(cacheDir);
                Path tmp = cacheDir.resolve(".base-" + recipe.baseHash() + ".tar.tmp-" + ImageRegistry.newId());
                try {
                    List<String> argv = mmdebstrap(recipe, tmp);
                    run.run(argv, Duration.ofMinutes(30)).orThrow(argv);
                    Files.move(tmp, tar, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot cache the base tree in " + cacheDir, e);
            }
            return tar;
        }
    }

    static List<String> mmdebstrap(Recipe r, Path out) {
        return List.of("mmdebstrap", "--variant=minbase", "--mode=auto", "--format=tar",
                "--include=" + String.join(",", r.packages()), r.suite(), out.toString(), r.mirror());
    }

    /** Content plus headroom for what the guest installs later: +30% and 256 MiB, in 64 MiB steps. */
    public static long sizeFor(long tarBytes) {
        long want = tarBytes + tarBytes * 3 / 10 + 256 * MIB;
        return (want + 64 * MIB - 1) / (64 * MIB) * (64 * MIB);
    }

    private KernelRecord kernelFor(Path base, Path dir) throws IOException {
        KernelPackager.Packaged k = KernelPackager.fromTree(base, dir);
        // The initramfs is banger's, so a kernel is named by both: a new initramfs is a new kernel.
        String name = "debian-" + k.version() + "-" + Sha256.hex(Files.readAllBytes(k.initrd())).substring(0, 8);
        try {
            return registry.kernel(name);
        } catch (NoSuchElementException missing) {
            return registry.importKernel(name, dir, "build");
        }
    }
}
