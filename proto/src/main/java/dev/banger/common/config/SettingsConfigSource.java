package dev.banger.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * OPS-6 in the services: each reads banger's config file itself, so a service under
 * systemd sees the same settings as one `daemon start` launched. The files: those named
 * by {@code banger.config.files} (colon-separated; dev mode passes what the CLI read), else
 * /etc/banger/config.properties, plus for a service that does not run as root the user's
 * ~/.config/banger/config.properties (root services never read a file the owner writes).
 * Above application.properties, below -D flags. A bad file stops the service at start with
 * the file and the key in the message. Registered by each service (META-INF/services), not the CLI.
 */
public final class SettingsConfigSource implements ConfigSource {
    static final String FILES = "banger.config.files";
    private static final int ORDINAL = 275;
    private final Map<String, String> properties;
    private final List<Path> files;

    public SettingsConfigSource() {
        this(defaultFiles(System.getProperty(FILES), "root".equals(System.getProperty("user.name")),
                Path.of(System.getProperty("user.home"))));
    }

    SettingsConfigSource(List<Path> files) {
        this.files = files;
        Map<String, String> byProperty = new HashMap<>();
        try {
            Settings.read(files).forEach((key, value) -> byProperty.put(Settings.key(key).property(), value));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("banger's config file is wrong, so this service does not start: "
                    + e.getMessage(), e);
        }
        this.properties = Map.copyOf(byProperty);
    }

    static List<Path> defaultFiles(String named, boolean root, Path home) {
        if (named != null) {
            return named.isBlank() ? List.of() : Arrays.stream(named.split(":")).map(Path::of).toList();
        }
        List<Path> files = new ArrayList<>(List.of(Settings.SYSTEM_FILE));
        if (!root) {
            files.add(home.resolve(".config/banger/config.properties"));
        }
        return files;
    }

    public List<Path> files() {
        return files;
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String name) {
        return properties.get(name);
    }

    @Override
    public String getName() {
        return "banger config file " + files;
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
