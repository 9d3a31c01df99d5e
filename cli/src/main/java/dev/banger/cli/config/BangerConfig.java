package dev.banger.cli.config;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.common.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * OPS-6 as the CLI sees it: the system's {@code /etc/banger/config.properties}, then the
 * user's {@code CONFIG_DIR/config.properties} (XDG_CONFIG_HOME/banger, or BANGER_HOME/config),
 * the user's winning; with BANGER_HOME set (dev mode, tests) only its own file. The keys and
 * their checks are {@link Settings}' (shared with the services, which read the same files
 * themselves). `daemon start` checks them before any service runs and tells the services
 * which files it read; BANGER_VMM overrides vmm.
 */
public record BangerConfig(Map<String, String> settings, List<Path> files) {
    public static final Path SYSTEM_FILE = Settings.SYSTEM_FILE;

    public static Set<String> keys() {
        return Settings.keys();
    }

    public static BangerConfig load(BangerPaths paths, boolean devHome) {
        List<Path> files = new ArrayList<>();
        if (!devHome) {
            files.add(SYSTEM_FILE);
        }
        Path user = paths.configDir().resolve("config.properties");
        if (!files.contains(user)) { // under `system install` the config dir is /etc/banger itself
            files.add(user);
        }
        return load(files);
    }

    /** The files, then BANGER_VMM (checked like the file's vmm) over them. */
    public static BangerConfig fromEnvironment() {
        String home = System.getenv("BANGER_HOME");
        BangerConfig files = load(BangerPaths.fromEnvironment(), home != null && !home.isBlank());
        return files.withEnvironment(System.getenv());
    }

    BangerConfig withEnvironment(Map<String, String> env) {
        String vmm = env.get("BANGER_VMM");
        if (vmm == null || vmm.isBlank()) {
            return this;
        }
        Map<String, String> s = new TreeMap<>(settings);
        try {
            s.put("vmm", Settings.key("vmm").check().apply(vmm.strip()));
        } catch (IllegalArgumentException e) {
            throw new UserError(ErrorKind.BAD_REQUEST, "BANGER_VMM = '" + vmm + "': " + e.getMessage());
        }
        return new BangerConfig(java.util.Collections.unmodifiableMap(s), files);
    }

    /** Later files override earlier ones; files that do not exist are skipped. */
    static BangerConfig load(List<Path> candidates) {
        Map<String, String> settings;
        try {
            settings = Settings.read(candidates);
        } catch (IllegalArgumentException e) {
            throw new UserError(ErrorKind.BAD_REQUEST, e.getMessage());
        }
        List<Path> read = candidates.stream().filter(Files::isRegularFile).toList();
        return new BangerConfig(java.util.Collections.unmodifiableMap(settings), read); // sorted by key
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /**
     * What each service's command line gets: the files the services read themselves
     * ({@code -Dbanger.config.files}, so they read exactly what was checked here) and
     * BANGER_VMM's override as a property, which wins over the files.
     */
    public List<String> serviceFlags() {
        List<String> flags = new ArrayList<>();
        flags.add("-Dbanger.config.files=" + String.join(":", files.stream().map(Path::toString).toList()));
        String vmm = settings.get("vmm");
        String fromEnvironment = System.getenv("BANGER_VMM");
        if (vmm != null && fromEnvironment != null && !fromEnvironment.isBlank()) {
            flags.add("-D" + Settings.key("vmm").property() + "=" + vmm);
        }
        return flags;
    }
}
