package dev.banger.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tool versions a repository pins (RUN-6), read from the files the ecosystems use:
 * .mise.toml / mise.toml and .tool-versions (mise's own), go.mod, package.json's
 * engines, rust-toolchain(.toml), .python-version. Each pin becomes a mise tool@version.
 */
public final class ToolPins {
    /** One pin: a mise tool name, a version mise understands, and the file that said so. */
    public record Pin(String tool, String version, String source) {
        public String spec() {
            return tool + "@" + version;
        }
    }

    /** Files larger than this are not pin files; they are not read. */
    private static final long MAX_FILE = 256 * 1024;
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+){0,2}");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+:/-]{0,80}");
    private static final ObjectMapper TOML = new TomlMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolPins() {
    }

    /** The files mise reads by itself in the checkout; `mise install` there installs what they pin. */
    public static final List<String> MISE_FILES = List.of(".mise.toml", "mise.toml", ".tool-versions");

    public static List<Pin> detect(Path root) {
        List<Pin> pins = new ArrayList<>();
        for (String f : List.of(".mise.toml", "mise.toml")) {
            read(root, f).ifPresent(text -> pins.addAll(miseToml(text, f)));
        }
        read(root, ".tool-versions").ifPresent(text -> pins.addAll(toolVersions(text)));
        read(root, "go.mod").flatMap(ToolPins::goMod).ifPresent(pins::add);
        read(root, "package.json").flatMap(ToolPins::packageJson).ifPresent(pins::add);
        read(root, "rust-toolchain.toml").flatMap(ToolPins::rustToolchainToml).ifPresent(pins::add);
        read(root, "rust-toolchain").map(String::strip).filter(s -> SAFE.matcher(s).matches())
                .ifPresent(v -> pins.add(new Pin("rust", v, "rust-toolchain")));
        read(root, ".python-version").map(s -> s.strip().split("\\s+")[0]).filter(s -> SAFE.matcher(s).matches())
                .ifPresent(v -> pins.add(new Pin("python", v, ".python-version")));
        return dedupe(pins);
    }

    static List<Pin> miseToml(String text, String source) {
        List<Pin> out = new ArrayList<>();
        try {
            JsonNode tools = TOML.readTree(text).path("tools");
            for (Iterator<Map.Entry<String, JsonNode>> it = tools.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                String version = v.isArray() ? v.path(0).asText() : v.isObject() ? v.path("version").asText() : v.asText();
                add(out, e.getKey(), version, source);
            }
        } catch (IOException e) {
            // not TOML we can read: nothing pinned by it
        }
        return out;
    }

    static List<Pin> toolVersions(String text) {
        List<Pin> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.replaceAll("#.*", "").strip();
            String[] parts = l.split("\\s+");
            if (parts.length >= 2) {
                add(out, parts[0], parts[1], ".tool-versions");
            }
        }
        return out;
    }

    /** go.mod: `toolchain goX.Y.Z` wins over `go X.Y`. */
    static Optional<Pin> goMod(String text) {
        Matcher toolchain = Pattern.compile("(?m)^toolchain\\s+go([0-9][0-9.]*)\\s*$").matcher(text);
        if (toolchain.find()) {
            return Optional.of(new Pin("go", toolchain.group(1), "go.mod"));
        }
        Matcher go = Pattern.compile("(?m)^go\\s+([0-9][0-9.]*)\\s*$").matcher(text);
        return go.find() ? Optional.of(new Pin("go", go.group(1), "go.mod")) : Optional.empty();
    }

    /** engines.node is a range (">=18", "^20.1"): its lowest version satisfies it. */
    static Optional<Pin> packageJson(String text) {
        try {
            String range = JSON.readTree(text).path("engines").path("node").asText("");
            Matcher m = VERSION.matcher(range);
            return m.find() ? Optional.of(new Pin("node", m.group(), "package.json")) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Pin> rustToolchainToml(String text) {
        try {
            String channel = TOML.readTree(text).path("toolchain").path("channel").asText("");
            return SAFE.matcher(channel).matches() ? Optional.of(new Pin("rust", channel, "rust-toolchain.toml"))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void add(List<Pin> out, String tool, String version, String source) {
        if (SAFE.matcher(tool).matches() && SAFE.matcher(version).matches()) {
            out.add(new Pin(tool, version, source));
        }
    }

    /** One pin per tool: the first file that names it wins (mise's own files come first). */
    private static List<Pin> dedupe(List<Pin> pins) {
        Map<String, Pin> byTool = new java.util.LinkedHashMap<>();
        pins.forEach(p -> byTool.putIfAbsent(p.tool(), p));
        return List.copyOf(byTool.values());
    }

    private static Optional<String> read(Path root, String name) {
        Path p = root.resolve(name);
        try {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) > MAX_FILE) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(p));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
