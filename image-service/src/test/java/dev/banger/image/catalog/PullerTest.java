package dev.banger.image.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.fs.FileTrees;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.image.store.ImageRecord;
import dev.banger.common.errors.AlreadyExistsException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bundles and catalog pulls against the image service's real registry and store (IMG-4). */
@QuarkusTest
class PullerTest {
    @Inject
    ImageRegistry registry;
    @Inject
    Puller puller;
    @ConfigProperty(name = "banger.state-dir")
    Path state;
    Path tmp;
    Path bundle;
    final List<String> phases = new ArrayList<>();

    @BeforeEach
    void makeBundle() throws Exception {
        tmp = Files.createTempDirectory("banger-pull-");
        Path rootfs = tmp.resolve("rootfs.ext4");
        Path stage = Files.createDirectories(tmp.resolve("stage/etc"));
        Files.writeString(stage.resolve("os-release"), "ID=debian\n");
        new ProcessRunner().check("mkfs.ext4", "-q", "-F", "-d", tmp.resolve("stage").toString(), rootfs.toString(), "8M");
        byte[] bz = new byte[4096];
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, bz, 0x202, 4);
        Path bzImage = Files.write(tmp.resolve("bzImage"), bz);
        Path initrd = Files.writeString(tmp.resolve("initrd.img"), "initrd");
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("rootfs.ext4", rootfs);
        files.put("kernel/bzImage", bzImage);
        files.put("kernel/initrd.img", initrd);
        bundle = tmp.resolve("b.tar.zst");
        Bundle.write(bundle, "image", "small", "debian", "small-kernel", files);
    }

    @AfterEach
    void clean() {
        for (ImageRecord i : registry.images()) {
            registry.deleteImage(i.id());
        }
        registry.kernels().forEach(k -> registry.deleteKernel(k.id()));
        FileTrees.deleteTree(tmp);
    }

    @Test
    void pullsAnImageWithItsKernelOnceAndVerifiesFirst() throws Exception {
        Catalog catalog = catalog("small", bundle.toString(), FileTrees.sha256(bundle), Files.size(bundle));
        ImageRecord image = puller.pullImage(catalog, "small", (p, d) -> phases.add(p));
        assertEquals(List.of("download", "verify", "unpack", "register"), phases);
        assertEquals("debian", image.distro());
        assertEquals("small-kernel", image.kernelName());
        assertTrue(registry.kernel("small-kernel").bzImagePath().endsWith("bzImage"));
        assertThrows(AlreadyExistsException.class, () -> puller.pullImage(catalog, "small", (p, d) -> { }));
        assertEquals(List.of(), list("builds"));
        assertEquals(1, list("images").size());
    }

    @Test
    void aKernelCanBePulledAlone() throws Exception {
        Catalog catalog = catalog("k2", "file:" + bundle, FileTrees.sha256(bundle), Files.size(bundle));
        assertEquals("k2", puller.pullKernel(catalog, "k2", (p, d) -> { }).name());
        assertEquals(0, registry.images().size(), "a kernel pull installs no image");
    }

    @Test
    void refusalsInstallNothing() throws Exception {
        String sha = FileTrees.sha256(bundle);
        long size = Files.size(bundle);
        assertThrows(NoSuchElementException.class,
                () -> puller.pullImage(catalog("small", bundle.toString(), sha, size), "other", (p, d) -> { }));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> puller.pullImage(
                catalog("small", bundle.toString(), "0".repeat(64), size), "small", (p, d) -> { }));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());

        Path truncated = tmp.resolve("t.tar.zst");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(bundle), (int) size / 2));
        assertThrows(IllegalArgumentException.class, () -> puller.pullImage(
                catalog("small", truncated.toString(), FileTrees.sha256(truncated), size / 2), "small", (p, d) -> { }));

        Path evil = tmp.resolve("evil.tar.zst");
        craft(evil, "{\"format\":\"banger-bundle-1\",\"kind\":\"image\",\"files\":{\"rootfs.ext4\":{\"size\":1,\"sha256\":\""
                + "0".repeat(64) + "\"}}}", "../../etc/cron.d/x", "boom");
        e = assertThrows(IllegalArgumentException.class, () -> puller.pullImage(
                catalog("small", evil.toString(), FileTrees.sha256(evil), Files.size(evil)), "small", (p, d) -> { }));
        assertTrue(e.getMessage().contains("unexpected bundle entry '../../etc/cron.d/x'"), e.getMessage());

        Path malformed = tmp.resolve("m.tar.zst");
        craft(malformed, "{\"format\":\"something-else\"}", null, null);
        e = assertThrows(IllegalArgumentException.class, () -> puller.pullImage(
                catalog("small", malformed.toString(), FileTrees.sha256(malformed), Files.size(malformed)), "small",
                (p, d) -> { }));
        assertTrue(e.getMessage().startsWith("malformed bundle manifest"), e.getMessage());

        assertEquals(0, registry.images().size());
        assertEquals(0, registry.kernels().size());
        assertEquals(List.of(), list("builds"));
        assertEquals(List.of(), list("images"), "no half-pulled image directory");
    }

    @Test
    void aCatalogWithBadEntriesIsRefusedClearly() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"images\": [{\"name\": \"x\", \"url\": \"ftp://x\","
                + " \"sha256\": \"" + "a".repeat(64) + "\", \"size\": 1}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Catalog.load("images", Optional.of(bad)));
        assertTrue(e.getMessage().contains("url must be"), e.getMessage());
        Path notJson = Files.writeString(tmp.resolve("nj.json"), "{images: nope");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Catalog.load("images", Optional.of(notJson)))
                .getMessage().contains("not valid JSON"));
    }

    /** A catalog file listing one entry as both an image and a kernel. */
    private Catalog catalog(String name, String url, String sha, long size) throws Exception {
        String entry = "[{\"name\": \"" + name + "\", \"url\": \"" + url + "\", \"sha256\": \"" + sha
                + "\", \"size\": " + size + "}]";
        Path f = Files.writeString(tmp.resolve("catalog-" + System.nanoTime() + ".json"),
                "{\"images\": " + entry + ", \"kernels\": " + entry + "}");
        return Catalog.load(name.startsWith("k") ? "kernels" : "images", Optional.of(f));
    }

    /** A bundle with a hand-written manifest and, optionally, one extra entry. */
    private static void craft(Path out, String manifest, String entry, String content) throws Exception {
        try (OutputStream raw = Files.newOutputStream(out); ZstdOutputStream z = new ZstdOutputStream(raw);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(z)) {
            put(tar, "manifest.json", manifest);
            if (entry != null) {
                put(tar, entry, content);
            }
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, String content) throws Exception {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        new ByteArrayInputStream(b).transferTo(tar);
        tar.closeArchiveEntry();
    }

    private List<Path> list(String dir) throws Exception {
        Path d = state.resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }
}
