package dev.banger.image.catalog;

import dev.banger.common.errors.NotFoundException;
import dev.banger.common.errors.InvalidArgumentException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The images or kernels banger can pull by name: a catalog embedded in the build,
 * plus an optional one from configuration (a local file; IMG-4 also allows a local
 * path as a bundle URL). The configured one is searched first.
 */
public final class Catalog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String kind;
    private final List<CatalogEntry> entries;

    private Catalog(String kind, List<CatalogEntry> entries) {
        this.kind = kind;
        this.entries = entries;
    }

    /** kind is "images" or "kernels": the JSON key and the embedded resource's name. */
    public static Catalog load(String kind, Optional<Path> extra) {
        List<CatalogEntry> all = new ArrayList<>();
        extra.ifPresent(p -> {
            try (InputStream in = Files.newInputStream(p)) {
                all.addAll(parse(kind, in, p.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read catalog " + p, e);
            }
        });
        try (InputStream in = Catalog.class.getResourceAsStream("/catalog/" + kind + ".json")) {
            all.addAll(parse(kind, in, "the embedded catalog"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Catalog(kind, all);
    }

    static List<CatalogEntry> parse(String kind, InputStream in, String where) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new InvalidArgumentException(where + " is not valid JSON: " + e.getMessage());
        }
        JsonNode list = root == null ? null : root.get(kind);
        if (list == null || !list.isArray()) {
            throw new InvalidArgumentException(where + " has no \"" + kind + "\" array");
        }
        List<CatalogEntry> out = new ArrayList<>();
        for (JsonNode e : list) {
            out.add(new CatalogEntry(e.path("name").asText(null), e.path("url").asText(null),
                    e.path("sha256").asText(null), e.path("size").asLong(-1)));
        }
        return out;
    }

    public CatalogEntry find(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(
                () -> new NotFoundException("no " + kind.substring(0, kind.length() - 1) + " named " + name
                        + " in the catalog"));
    }

    /** A URL or path to a local file, if the entry points at one. */
    static Optional<Path> localPath(String url) {
        if (url.startsWith("/")) {
            return Optional.of(Path.of(url));
        }
        if (url.startsWith("file:")) {
            return Optional.of(Path.of(URI.create(url)));
        }
        return Optional.empty();
    }
}
