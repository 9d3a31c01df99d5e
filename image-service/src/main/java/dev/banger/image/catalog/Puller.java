package dev.banger.image.catalog;

import dev.banger.common.layout.ImageDir;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.AlreadyExistsException;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.fs.Bounded;
import dev.banger.common.fs.FileTrees;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.image.store.ImageRecord;
import dev.banger.image.store.KernelRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * `image pull NAME` / `kernel pull NAME` (IMG-4): download the catalog's bundle once
 * (per-name lock, re-checked after the lock), verify its size and sha256 before
 * unpacking anything, unpack with per-file checks, register. Any failure leaves
 * nothing in the store.
 */
public final class Puller {
    private final ImageRegistry registry;
    private final Path stateDir;
    private final Path downloads;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public Puller(ImageRegistry registry, Path stateDir, Path cacheDir) {
        this.registry = registry;
        this.stateDir = stateDir;
        this.downloads = cacheDir.resolve("downloads");
    }

    public ImageRecord pullImage(Catalog catalog, String name, BiConsumer<String, String> progress) {
        CatalogEntry entry = catalog.find(name);
        synchronized (locks.computeIfAbsent("image:" + name, k -> new Object())) {
            registry.requireFreeImageName(name);
            Path bundle = fetch(entry, progress);
            return registry.create(name, (id, work, imageDir) -> {
                progress.accept("unpack", bundle.getFileName().toString());
                Bundle.Manifest m = Bundle.unpack(bundle, work);
                if (!m.kind().equals("image")) {
                    throw new InvalidArgumentException("catalog entry " + name + " is a " + m.kind() + " bundle");
                }
                progress.accept("register", name);
                KernelRecord kernel = kernelFrom(m, work);
                Files.move(new ImageDir(work).rootfs(), new ImageDir(imageDir).rootfs());
                return registry.adopt(id, name, m.distro(), kernel, "catalog", null);
            });
        }
    }

    public KernelRecord pullKernel(Catalog catalog, String name, BiConsumer<String, String> progress) {
        CatalogEntry entry = catalog.find(name);
        synchronized (locks.computeIfAbsent("kernel:" + name, k -> new Object())) {
            if (registry.kernels().stream().anyMatch(k -> k.name().equals(name))) {
                throw new AlreadyExistsException(Reason.NAME_TAKEN, "a kernel named " + name + " already exists");
            }
            Path bundle = fetch(entry, progress);
            Path work = stateDir.resolve("builds").resolve(ImageRegistry.newId());
            try {
                progress.accept("unpack", bundle.getFileName().toString());
                Bundle.Manifest m = Bundle.unpack(bundle, work);
                progress.accept("register", name);
                return registry.importKernel(name, work.resolve("kernel"), "catalog");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot pull " + name + ": " + e.getMessage(), e);
            } finally {
                FileTrees.deleteTree(work);
            }
        }
    }

    private KernelRecord kernelFrom(Bundle.Manifest m, Path work) {
        if (m.kernelName().isEmpty() || !Files.isDirectory(work.resolve("kernel"))) {
            return null;
        }
        try {
            return registry.kernel(m.kernelName());
        } catch (NoSuchElementException missing) {
            return registry.importKernel(m.kernelName(), work.resolve("kernel"), "catalog");
        }
    }

    /** The verified bundle in the download cache, fetched if missing (content-addressed by sha256). */
    Path fetch(CatalogEntry entry, BiConsumer<String, String> progress) {
        Path target = downloads.resolve(entry.sha256() + ".tar.zst");
        synchronized (locks.computeIfAbsent("blob:" + entry.sha256(), k -> new Object())) {
            try {
                if (Files.isRegularFile(target) && verify(target, entry) == null) {
                    progress.accept("download", "cached " + target.getFileName());
                    return target;
                }
                Files.createDirectories(downloads);
                Path tmp = downloads.resolve("." + entry.sha256() + ".tmp-" + ImageRegistry.newId());
                try {
                    progress.accept("download", entry.url());
                    // The catalog says how big the bundle is: not a byte more is written (SEC-5).
                    try (InputStream in = open(entry.url())) {
                        Bounded.copy(in, tmp, entry.size(), Duration.ofSeconds(60), "bundle " + entry.url());
                    }
                    progress.accept("verify", "sha256 " + entry.sha256().substring(0, 12));
                    String problem = verify(tmp, entry);
                    if (problem != null) {
                        throw new InvalidArgumentException("bundle for " + entry.name() + " " + problem
                                + "; nothing was installed");
                    }
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot download " + entry.url() + ": " + e.getMessage(), e);
            }
        }
    }

    /** null when size and sha256 match the catalog, else what is wrong. */
    static String verify(Path f, CatalogEntry entry) throws IOException {
        long size = Files.size(f);
        if (size != entry.size()) {
            return "has " + size + " bytes, the catalog says " + entry.size();
        }
        String sha = FileTrees.sha256(f);
        return sha.equals(entry.sha256()) ? null : "has sha256 " + sha + ", the catalog says " + entry.sha256();
    }

    private static InputStream open(String url) throws IOException {
        var local = Catalog.localPath(url);
        if (local.isPresent()) {
            return Files.newInputStream(local.get());
        }
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IOException("HTTP " + r.statusCode());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Writes a bundle of an image and its kernel; returns (path, sha256, size). */
    public static Map.Entry<Path, String> bundleImage(ImageRegistry registry, String ref, Path out) throws IOException {
        ImageRecord image = registry.image(ref);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("rootfs.ext4", Path.of(image.rootfsPath()));
        if (image.kernelId() != null) {
            KernelRecord k = registry.kernel(image.kernelId());
            if (k.bzImagePath() != null) {
                files.put("kernel/bzImage", Path.of(k.bzImagePath()));
            }
            if (k.vmlinuxPath() != null) {
                files.put("kernel/vmlinux", Path.of(k.vmlinuxPath()));
            }
            if (k.initrdPath() != null) {
                files.put("kernel/initrd.img", Path.of(k.initrdPath()));
            }
        }
        boolean toDir = Files.isDirectory(out);
        Path file = toDir ? out.resolve(".bundle-" + ImageRegistry.newId()) : out;
        String sha = Bundle.write(file, "image", image.name(), image.distro(), image.kernelName(), files);
        Path named = toDir ? out.resolve(sha + ".tar.zst") : file;
        if (toDir) {
            Files.move(file, named, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return Map.entry(named, sha);
    }
}
