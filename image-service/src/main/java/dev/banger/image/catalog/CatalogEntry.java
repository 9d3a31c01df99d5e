package dev.banger.image.catalog;

import dev.banger.common.ids.Names;
import dev.banger.common.errors.InvalidArgumentException;
import java.util.regex.Pattern;

/** One published bundle: where it is, and the size and sha256 it must have (IMG-4). */
public record CatalogEntry(String name, String url, String sha256, long size) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public CatalogEntry {
        Names.requireImageName(name, "catalog entry");
        if (url == null || !(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("file:/")
                || url.startsWith("/"))) {
            throw new InvalidArgumentException("catalog entry " + name + ": url must be https://, http://, file:/ or an"
                    + " absolute path, got '" + url + "'");
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new InvalidArgumentException("catalog entry " + name + ": sha256 must be 64 lowercase hex digits");
        }
        if (size <= 0) {
            throw new InvalidArgumentException("catalog entry " + name + ": size must be positive");
        }
    }
}
