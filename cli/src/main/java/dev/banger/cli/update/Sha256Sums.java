package dev.banger.cli.update;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A release's SHA256SUMS, as sha256sum writes it: "HASH  NAME" per artifact. */
public final class Sha256Sums {
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64}) [ *]([A-Za-z0-9._-]{1,200})");
    private final Map<String, String> hashes;

    private Sha256Sums(Map<String, String> hashes) {
        this.hashes = hashes;
    }

    public static Sha256Sums parse(byte[] text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches() || out.put(m.group(2), m.group(1)) != null) {
                throw new UserError(ErrorKind.FAILED_PRECONDITION, "SHA256SUMS has a line that is not 'HASH  NAME'"
                        + " or names a file twice: " + line);
            }
        }
        return new Sha256Sums(out);
    }

    public Optional<String> of(String artifact) {
        return Optional.ofNullable(hashes.get(artifact));
    }
}
