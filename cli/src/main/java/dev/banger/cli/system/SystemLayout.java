package dev.banger.cli.system;

import dev.banger.cli.config.BangerPaths;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where `system install` puts things, under a filesystem root ("/" on a real host): units
 * in /etc/systemd/system, install metadata in /etc/banger, sockets in /run/banger,
 * state in /var/lib/banger, downloads in /var/cache/banger.
 */
public record SystemLayout(Path root) {
    public static final SystemLayout HOST = new SystemLayout(Path.of("/"));
    static final String TMPFILES = "etc/tmpfiles.d/banger.conf";

    public Path unitDir() {
        return root.resolve("etc/systemd/system");
    }

    public Path unit(String name) {
        return unitDir().resolve(name);
    }

    public Path etcDir() {
        return root.resolve("etc/banger");
    }

    public Path installRecord() {
        return etcDir().resolve("install.json");
    }

    public Path tmpfiles() {
        return root.resolve(TMPFILES);
    }

    public Path runDir() {
        return root.resolve("run/banger");
    }

    public Path stateDir() {
        return root.resolve("var/lib/banger");
    }

    public Path cacheDir() {
        return root.resolve("var/cache/banger");
    }

    /** The services' paths as the CLI and the units name them (logs go to the journal). */
    public BangerPaths paths() {
        return new BangerPaths(stateDir(), runDir(), stateDir().resolve("logs"), etcDir(), cacheDir());
    }

    /** Whether this host runs banger as system services (the CLI then talks to /run/banger). */
    public boolean servicesInstalled() {
        return Files.isRegularFile(unit("banger-orchestrator.service"));
    }
}
