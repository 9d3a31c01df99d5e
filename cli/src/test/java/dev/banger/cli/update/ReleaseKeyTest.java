package dev.banger.cli.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.cli.output.UserError;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins that banger's verifier and openssl agree on what deploy/release and install.sh sign and check. */
class ReleaseKeyTest {
    @TempDir
    Path dir;
    private final ProcessRunner run = new ProcessRunner();

    @Test
    void aSignatureOpensslMadeVerifies_andNothingElseDoes() throws Exception {
        Path key = openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
        Path pub = publicHalf(key, "pub.pem");
        Path sums = dir.resolve("SHA256SUMS");
        Files.writeString(sums, "a".repeat(64) + "  banger-1.0.0-linux-amd64.tar.gz\n");
        openssl("dgst", "-sha256", "-sign", key.toString(), "-out", "SHA256SUMS.sig", sums.toString());
        ReleaseKey k = ReleaseKey.fromPem(Files.readString(pub), "pub.pem");
        byte[] signature = Files.readAllBytes(dir.resolve("SHA256SUMS.sig"));

        assertTrue(k.verifies(Files.readAllBytes(sums), signature));
        byte[] tampered = Files.readAllBytes(sums);
        tampered[0] = 'b';
        assertFalse(k.verifies(tampered, signature), "a changed SHA256SUMS");
        assertFalse(k.verifies(Files.readAllBytes(sums), "not a signature".getBytes(StandardCharsets.US_ASCII)));
        Path other = publicHalf(openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "o.pem"), "o.pub");
        assertFalse(ReleaseKey.fromPem(Files.readString(other), "o.pub").verifies(Files.readAllBytes(sums), signature),
                "another key's signature");
    }

    @Test
    void aSignatureJavaMadeIsOneOpensslVerifies() throws Exception {
        Path key = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k8.pem");
        Path pub = publicHalf(key, "k8.pub");
        String pem = Files.readString(key).replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem))));
        byte[] data = "b".repeat(64).concat("  x.tar.gz\n").getBytes(StandardCharsets.US_ASCII);
        s.update(data);
        Files.write(dir.resolve("data"), data);
        Files.write(dir.resolve("data.sig"), s.sign());
        CommandResult r = run.run(List.of("openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature",
                dir.resolve("data.sig").toString(), dir.resolve("data").toString()), Duration.ofSeconds(30));
        assertEquals("Verified OK", r.stdout().strip(), r.stderr());
    }

    @Test
    void aKeyOnAnotherCurveOrNotAKeyIsRefused() throws Exception {
        Path p384 = publicHalf(openssl("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "p384.pem"),
                "p384.pub");
        assertThrows(UserError.class, () -> ReleaseKey.fromPem(Files.readString(p384), "p384.pub"));
        assertThrows(UserError.class, () -> ReleaseKey.fromPem("hello", "junk"));
        assertThrows(UserError.class, () -> ReleaseKey.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                "short"));
    }

    private Path publicHalf(Path key, String name) {
        return openssl("ec", "-in", key.toString(), "-pubout", "-out", name);
    }

    private Path openssl(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        int out = argv.indexOf("-out") + 1;
        Path written = dir.resolve(argv.get(out));
        argv.set(out, written.toString());
        CommandResult r = run.run(argv, Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r.stderr());
        return written;
    }
}
