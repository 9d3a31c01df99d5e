package dev.banger.image.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Debian mirror this host already uses (IMG-2: the default for builds), read from
 * its apt sources at run time: deb822 `.sources` files and one-line `sources.list`.
 * Security and updates suites are skipped: a bootstrap wants the main archive.
 */
public final class HostMirror {
    private HostMirror() {
    }

    public static Optional<String> find(Path aptDir) {
        List<Path> files = new ArrayList<>();
        Path list = aptDir.resolve("sources.list");
        if (Files.isRegularFile(list)) {
            files.add(list);
        }
        Path d = aptDir.resolve("sources.list.d");
        if (Files.isDirectory(d)) {
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        for (Path f : files) {
            try {
                Optional<String> m = f.toString().endsWith(".sources") ? fromDeb822(Files.readString(f))
                        : fromOneLine(Files.readString(f));
                if (m.isPresent()) {
                    return m;
                }
            } catch (IOException e) {
                // unreadable file: try the next
            }
        }
        return Optional.empty();
    }

    static Optional<String> fromDeb822(String text) {
        for (String stanza : text.split("\n\\s*\n")) {
            String uris = field(stanza, "URIs");
            String suites = field(stanza, "Suites");
            String types = field(stanza, "Types");
            if (uris != null && types != null && types.contains("deb") && suites != null && !suites.contains("security")
                    && !stanza.contains("Enabled: no")) {
                return Optional.of(uris.split("\\s+")[0]);
            }
        }
        return Optional.empty();
    }

    static Optional<String> fromOneLine(String text) {
        for (String line : text.split("\n")) {
            String l = line.strip().replaceAll("\\[[^]]*]\\s*", "");
            String[] f = l.split("\\s+");
            if (f.length >= 3 && f[0].equals("deb") && !f[2].contains("security")) {
                return Optional.of(f[1]);
            }
        }
        return Optional.empty();
    }

    private static String field(String stanza, String name) {
        for (String line : stanza.split("\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }
}
