package dev.banger.cli.update;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** A release directory laid out as deploy/release writes it, signed with a key made per test. */
final class FakeReleases {
    final Path dir;
    final KeyPair key;
    private final Map<String, String> manifestEntries = new LinkedHashMap<>();

    FakeReleases(Path dir) throws Exception {
        this.dir = dir;
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        this.key = g.generateKeyPair();
    }

    static String pem(KeyPair k) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(k.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    ReleaseKey releaseKey() {
        return ReleaseKey.fromPem(pem(key), "test key");
    }

    /** A release whose tar holds banger-V/VERSION and bin/banger, plus whatever {@code extra} adds. */
    Path publish(String version, Consumer<TarArchiveOutputStream> extra) throws Exception {
        Path vdir = Files.createDirectories(dir.resolve(version));
        String name = "banger-" + version + "-linux-amd64.tar.gz";
        Path tar = vdir.resolve(name);
        try (OutputStream out = Files.newOutputStream(tar);
                TarArchiveOutputStream t = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            dir(t, "banger-" + version + "/");
            file(t, "banger-" + version + "/VERSION", version + "\n", 0644);
            dir(t, "banger-" + version + "/bin/");
            file(t, "banger-" + version + "/bin/banger", "#!/bin/sh\necho " + version + "\n", 0755);
            extra.accept(t);
        }
        byte[] archive = Files.readAllBytes(tar);
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(archive));
        byte[] sums = (sha + "  " + name + "\n").getBytes(StandardCharsets.US_ASCII);
        Files.write(vdir.resolve("SHA256SUMS"), sums);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key.getPrivate());
        s.update(sums);
        Files.write(vdir.resolve("SHA256SUMS.sig"), s.sign());
        manifestEntries.put(version, "{\"published\": \"2026-12-01T00:00:00Z\", \"artifacts\": [{\"name\": \"" + name
                + "\", \"size\": " + archive.length + ", \"sha256\": \"" + sha + "\"}]}");
        writeManifest(version);
        return tar;
    }

    Path publish(String version) throws Exception {
        return publish(version, t -> { });
    }

    private void writeManifest(String latest) throws IOException {
        List<String> entries = new ArrayList<>();
        manifestEntries.forEach((v, e) -> entries.add("\"" + v + "\": " + e));
        Files.writeString(dir.resolve("manifest.json"), "{\"schema\": 1, \"latest\": \"" + latest
                + "\", \"versions\": {" + String.join(", ", entries) + "}}");
    }

    ReleaseSource source() {
        return ReleaseSource.forTests(dir.resolve("manifest.json").toUri().toString());
    }

    static void dir(TarArchiveOutputStream t, String name) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setMode(040755);
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void file(TarArchiveOutputStream t, String name, String content, int mode) {
        try {
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setMode(0100000 | mode);
            e.setSize(b.length);
            t.putArchiveEntry(e);
            t.write(b);
            t.closeArchiveEntry();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
