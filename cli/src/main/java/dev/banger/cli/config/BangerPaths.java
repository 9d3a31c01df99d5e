package dev.banger.cli.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where banger keeps its state, sockets and logs for this user (OPS-6).
 * BANGER_HOME puts everything under one directory (dev mode, tests); otherwise a
 * `system install` decides (/run/banger, /var/lib/banger), else the XDG base directories.
 */
public record BangerPaths(Path stateDir, Path runDir, Path logDir, Path configDir, Path cacheDir) {

    public static BangerPaths fromEnvironment() {
        return from(System.getenv());
    }

    public static BangerPaths from(Map<String, String> env) {
        String home = env.get("BANGER_HOME");
        Path userHome = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        // Downloads and bootstrapped trees are worth keeping across BANGER_HOMEs: BANGER_CACHE_DIR shares them.
        String cacheOverride = env.get("BANGER_CACHE_DIR");
        if (home != null && !home.isBlank()) {
            Path base = Path.of(home).toAbsolutePath();
            Path cache = cacheOverride != null && !cacheOverride.isBlank() ? Path.of(cacheOverride) : base.resolve("cache");
            return new BangerPaths(base.resolve("state"), base.resolve("run"), base.resolve("logs"),
                    base.resolve("config"), cache);
        }
        if (dev.banger.cli.system.SystemLayout.HOST.servicesInstalled()) {
            return dev.banger.cli.system.SystemLayout.HOST.paths(); // `system install`: the services' own paths
        }
        Path cache = cacheOverride != null && !cacheOverride.isBlank() ? Path.of(cacheOverride)
                : xdg(env, "XDG_CACHE_HOME", userHome.resolve(".cache")).resolve("banger");
        Path state = xdg(env, "XDG_STATE_HOME", userHome.resolve(".local/state")).resolve("banger");
        Path config = xdg(env, "XDG_CONFIG_HOME", userHome.resolve(".config")).resolve("banger");
        String runtime = env.get("XDG_RUNTIME_DIR");
        Path run = runtime != null && !runtime.isBlank() ? Path.of(runtime).resolve("banger") : state.resolve("run");
        return new BangerPaths(state, run, state.resolve("logs"), config, cache);
    }

    private static Path xdg(Map<String, String> env, String key, Path fallback) {
        String v = env.get(key);
        return v != null && !v.isBlank() ? Path.of(v) : fallback;
    }

    /** The paths of services systemd runs (`system install`), not of a dev-mode daemon. */
    public boolean system() {
        return runDir.equals(dev.banger.cli.system.SystemLayout.HOST.runDir());
    }

    public Path socket(String service) {
        return runDir.resolve(service + ".sock");
    }

    public Path pidFile(String service) {
        return runDir.resolve(service + ".pid");
    }

    public Path log(String service) {
        return logDir.resolve(service + ".log");
    }

    public Path orchestratorSocket() {
        return socket("orchestrator");
    }

    public Path orchestratorStore() {
        return stateDir.resolve("orchestrator.db");
    }
}
