package dev.banger.image.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildPiecesTest {
    @TempDir
    Path tmp;

    @Test
    void recipesAreValidatedAndHashedIndependentlyOfPackageOrder() {
        Recipe a = Recipe.of("debian:bookworm", List.of("vim", "htop"), "http://mirror.invalid/debian/");
        Recipe b = Recipe.of("debian:bookworm", List.of("htop", "vim", "git"), "http://mirror.invalid/debian");
        assertEquals(a.baseHash(), b.baseHash(), "order, duplicates of base packages, trailing slash don't matter");
        assertNotEquals(a.baseHash(), Recipe.of("debian:trixie", List.of(), "http://mirror.invalid/debian").baseHash());
        assertTrue(a.packages().containsAll(Recipe.BASE_PACKAGES));
        for (String from : new String[] {"ubuntu:noble", "debian:", "debian:Book;rm", "bookworm", null}) {
            assertThrows(IllegalArgumentException.class, () -> Recipe.of(from, List.of(), "http://m.invalid"));
        }
        assertThrows(IllegalArgumentException.class, () -> Recipe.of("debian:bookworm", List.of("--evil"), "http://m"));
        assertThrows(IllegalArgumentException.class, () -> Recipe.of("debian:bookworm", List.of(), "ftp://m"));
        assertThrows(IllegalArgumentException.class, () -> Recipe.of("debian:bookworm", List.of(), "http://m; rm -rf"));
    }

    @Test
    void theHostMirrorComesFromItsAptSources() throws Exception {
        assertEquals(Optional.of("http://deb.example.invalid/debian"), HostMirror.fromDeb822("""
                Types: deb
                URIs: http://deb.example.invalid/debian
                Suites: bookworm bookworm-updates
                Components: main

                Types: deb
                URIs: http://deb.example.invalid/debian-security
                Suites: bookworm-security
                """));
        assertEquals(Optional.of("http://old.example.invalid/debian"), HostMirror.fromOneLine("""
                # comment
                deb http://sec.example.invalid/debian-security bookworm-security main
                deb [arch=amd64] http://old.example.invalid/debian bookworm main
                """));
        Path apt = Files.createDirectories(tmp.resolve("apt/sources.list.d"));
        Files.writeString(apt.resolve("x.sources"), "Types: deb\nURIs: http://a.invalid/debian\nSuites: bookworm\n");
        assertEquals(Optional.of("http://a.invalid/debian"), HostMirror.find(tmp.resolve("apt")));
        assertEquals(Optional.empty(), HostMirror.find(tmp.resolve("nothing")));
    }

    @Test
    void lz4LegacyFramesDecodeAcrossBlocksAndStopAtTheSizeTrailer() throws Exception {
        byte[] original = new byte[3 << 20];
        new Random(3).nextBytes(original);
        System.arraycopy(new byte[1 << 20], 0, original, 1 << 20, 1 << 20); // a compressible stretch
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(le(Lz4Legacy.MAGIC));
        for (int off = 0; off < original.length; off += 1 << 20) { // 1 MiB blocks
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            try (BlockLZ4CompressorOutputStream c = new BlockLZ4CompressorOutputStream(block)) {
                c.write(original, off, Math.min(1 << 20, original.length - off));
            }
            frame.write(le(block.size()));
            frame.write(block.toByteArray());
        }
        frame.write(le(original.length)); // what the kernel build appends
        byte[] f = frame.toByteArray();
        assertArrayEquals(original, Lz4Legacy.decode(f, 0, f.length));
        assertThrows(IllegalArgumentException.class, () -> Lz4Legacy.decode(new byte[] {1, 2, 3, 4}, 0, 4));
    }

    @Test
    void aBzImageIsRecognisedByItsBootHeader() {
        assertThrows(IllegalArgumentException.class, () -> BzImage.extractVmlinux(new byte[4096], tmp.resolve("v")));
        byte[] bz = new byte[4096];
        bz[0x202] = 'H';
        bz[0x203] = 'd';
        bz[0x204] = 'r';
        bz[0x205] = 'S';
        bz[0x206] = 0x0f;
        bz[0x207] = 0x02; // protocol 2.15
        bz[0x1f1] = 1;
        ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN).putInt(0x248, 10).putInt(0x24c, 100000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BzImage.extractVmlinux(bz, tmp.resolve("v")));
        assertTrue(e.getMessage().contains("outside the file"), e.getMessage());
    }

    @Test
    void theOverlayAddsGuestFilesDropsHostKeysAndEmptiesMachineId() throws Exception {
        Path base = tmp.resolve("base.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(base))) {
            file(out, "./etc/machine-id", "0123456789abcdef\n");
            file(out, "./etc/ssh/ssh_host_ed25519_key", "SECRET");
            file(out, "./etc/fstab", "# old\n");
            file(out, "./usr/bin/true", "ELF");
        }
        Path jar = Files.writeString(tmp.resolve("agent.jar"), "PK-agent");
        Path outTar = tmp.resolve("out.tar");
        List<GuestOverlay.GuestFile> files = GuestOverlay.guestFiles(jar);
        GuestOverlay.write(base, files, outTar);

        Map<String, TarArchiveEntry> entries = new HashMap<>();
        Map<String, String> content = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(outTar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String p = GuestOverlay.strip(e.getName());
                assertFalse(entries.containsKey(p), "each path once: " + p);
                entries.put(p, e);
                content.put(p, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertFalse(entries.containsKey("etc/ssh/ssh_host_ed25519_key"), "no host key baked in");
        assertEquals("", content.get("etc/machine-id"));
        assertTrue(content.get("etc/fstab").contains("LABEL=work /root"), "banger's fstab replaced the old one");
        assertEquals("ELF", content.get("usr/bin/true"));
        assertEquals("PK-agent", content.get("opt/banger/guest-agent.jar"));
        assertEquals(0755, entries.get("usr/local/sbin/banger-config").getMode() & 0777);
        assertEquals(0755, entries.get("usr/local/sbin/banger-init").getMode() & 0777);
        assertTrue(content.get("usr/local/sbin/banger-init").contains("exec /lib/systemd/systemd"));
        TarArchiveEntry wants = entries.get("etc/systemd/system/multi-user.target.wants/banger-agent.service");
        assertTrue(wants.isSymbolicLink());
        assertEquals("/etc/systemd/system/banger-agent.service", wants.getLinkName());
        assertNotEquals(GuestOverlay.hash(files), GuestOverlay.hash(GuestOverlay.guestFiles(
                Files.writeString(tmp.resolve("agent2.jar"), "PK-agent-v2"))), "a new agent is a new recipe");
    }

    @Test
    void anImageBuiltWithOtherGuestFilesIsStaleAndOnlyThen() throws Exception {
        Path jar = Files.writeString(tmp.resolve("agent.jar"), "PK-agent");
        ImageBuilder builder = new ImageBuilder(null, null, tmp, tmp, java.util.Optional.of(jar), null);
        Path dir = Files.createDirectories(tmp.resolve("images/i1"));
        java.util.function.Function<String, dev.banger.image.store.ImageRecord> image = source ->
                new dev.banger.image.store.ImageRecord("i1", "default", "debian", "amd64", "k1", "k",
                        dir.resolve("rootfs.ext4").toString(), null, 1, "sha", "recipe", source, java.time.Instant.now());
        assertTrue(builder.guestFilesStale(image.apply("build")), "built before banger recorded its guest files");
        assertFalse(builder.guestFilesStale(image.apply("import")), "banger did not build it: never stale");
        Files.writeString(dir.resolve(ImageBuilder.GUEST_HASH_FILE), GuestOverlay.hash(GuestOverlay.guestFiles(jar)));
        assertFalse(builder.guestFilesStale(image.apply("build")), "built with this banger's guest files");
        Files.writeString(dir.resolve(ImageBuilder.GUEST_HASH_FILE), "0123abcd\n");
        assertTrue(builder.guestFilesStale(image.apply("build")), "built with other guest files");
    }

    @Test
    void theInitramfsHasBusyboxInitConsoleAndModulesInLoadOrder() throws Exception {
        byte[] cpio = KernelPackager.initramfs("BUSYBOX".getBytes(StandardCharsets.US_ASCII),
                Map.of("virtio_blk", new byte[] {1}, "virtio", new byte[] {2}, "unrelated", new byte[] {3}));
        Map<String, CpioArchiveEntry> entries = new HashMap<>();
        Map<String, byte[]> data = new HashMap<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(cpio)))) {
            for (CpioArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), e);
                data.put(e.getName(), in.readAllBytes());
            }
        }
        assertEquals("BUSYBOX", new String(data.get("bin/busybox"), StandardCharsets.US_ASCII));
        String rdInit = new String(data.get("init"), StandardCharsets.UTF_8);
        assertTrue(rdInit.contains("init=*) init=${a#init=}") && rdInit.contains("exec switch_root /newroot \"$init\""),
                "hands over to the init= the VMM passed (banger-init), not always /sbin/init");
        assertEquals(0755, entries.get("init").getMode() & 0777);
        assertTrue(entries.get("dev/console").isCharacterDevice());
        assertEquals(5, entries.get("dev/console").getRemoteDeviceMaj());
        assertTrue(entries.containsKey("lib/modules/virtio.ko"));
        assertFalse(entries.containsKey("lib/modules/unrelated.ko"), "only the modules banger loads");
        String init = KernelPackager.initScript();
        assertTrue(init.indexOf("virtio_ring") < init.indexOf("virtio_blk"), "load order");
    }

    @Test
    void imageSizeHasHeadroomAndMmdebstrapArgvIsExact() {
        assertEquals(1344L << 20, ImageBuilder.sizeFor(800L << 20));
        Recipe r = Recipe.of("debian:bookworm", List.of(), "http://m.invalid/debian");
        assertEquals(List.of("mmdebstrap", "--variant=minbase", "--mode=auto", "--format=tar",
                "--include=" + String.join(",", r.packages()), "bookworm", "/c/x.tar", "http://m.invalid/debian"),
                ImageBuilder.mmdebstrap(r, Path.of("/c/x.tar")));
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static void file(TarArchiveOutputStream out, String name, String content) throws Exception {
        TarArchiveEntry e = new TarArchiveEntry(name);
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        e.setSize(b.length);
        out.putArchiveEntry(e);
        out.write(b);
        out.closeArchiveEntry();
    }
}
