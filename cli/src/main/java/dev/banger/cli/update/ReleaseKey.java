package dev.banger.cli.update;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The key releases are signed with: ECDSA P-256, the signature DER over SHA-256 of
 * SHA256SUMS (what {@code openssl dgst -sha256 -sign KEY.pem} writes).
 */
public final class ReleaseKey {
    private static final int P256_FIELD_BITS = 256;
    private final ECPublicKey key;

    private ReleaseKey(ECPublicKey key) {
        this.key = key;
    }

    /** A PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as {@code openssl ec -pubout} writes it. */
    public static ReleaseKey fromPem(String pem, String source) {
        String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        if (!pem.contains("-----BEGIN PUBLIC KEY-----") || body.isEmpty()) {
            throw new UserError(ErrorKind.BAD_REQUEST, source + " holds no PEM public key");
        }
        try {
            PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                    .decode(body)));
            ECParameterSpec p = ((ECPublicKey) k).getParams();
            if (p.getCurve().getField().getFieldSize() != P256_FIELD_BITS || p.getCofactor() != 1
                    || !p.getOrder().equals(P256_ORDER)) {
                throw new UserError(ErrorKind.BAD_REQUEST, source + " is not a P-256 key");
            }
            return new ReleaseKey((ECPublicKey) k);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new UserError(ErrorKind.BAD_REQUEST, source + " is not an EC public key: " + e.getMessage());
        }
    }

    /** Whether {@code signature} (DER) is this key's over {@code data}. */
    public boolean verifies(byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // not DER, or not a signature at all
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot verify ECDSA P-256", e);
        }
    }

    private static final java.math.BigInteger P256_ORDER = new java.math.BigInteger(
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
}
