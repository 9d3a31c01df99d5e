package dev.banger.common.config;

import dev.banger.common.ip.Ipv4Cidr;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * OPS-6: the settings of banger's config file, each checked when read, and the service
 * property each one sets. One table for the CLI (which checks the file before it starts
 * services) and the services (which read the file themselves: SettingsConfigSource).
 *
 * <pre>
 * vmm = auto                     # auto, firecracker or qemu
 * vmm.accel = auto               # QEMU: auto, kvm or tcg
 * vmm.firecracker-binary = firecracker
 * vm.vcpu = 2
 * vm.memory-mib = 2048
 * vm.disk-size = 8G              # the work disk
 * vm.overlay-size = 8G           # writable root space
 * vm.image = default
 * vm.warm-pool = 1               # VMs of the default image kept ready for vm run (0: none)
 * net.bridge = banger0
 * net.gateway = 172.16.0.1/24    # the bridge's address: VMs get the others
 * net.nat = auto                 # auto, nftables or iptables
 * net.names = auto               # auto, resolved, hosts-file or off
 * dns.port = 42069
 * log.level = INFO
 * update.manifest-url = https://HOST/PATH/manifest.json   # where `banger update` looks for releases
 * </pre>
 */
public final class Settings {
    public static final Path SYSTEM_FILE = Path.of("/etc/banger/config.properties");

    /** key -> (service property, check-and-normalise; throws IllegalArgumentException). */
    public record Key(String property, UnaryOperator<String> check) {
    }

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("vmm", new Key("banger.vmm", v -> oneOf(v, "auto", "firecracker", "qemu")));
        KEYS.put("vmm.accel", new Key("banger.vmm.accel", v -> oneOf(v, "auto", "kvm", "tcg")));
        KEYS.put("vmm.firecracker-binary", new Key("banger.vmm.firecracker-binary",
                v -> matches(v, "[A-Za-z0-9._/-]{1,200}", "a command name or path")));
        KEYS.put("vm.vcpu", new Key("banger.vm.vcpu", v -> range(v, 1, 64)));
        KEYS.put("vm.memory-mib", new Key("banger.vm.memory-mib", v -> range(v, 128, 1 << 20)));
        KEYS.put("vm.disk-size", new Key("banger.vm.disk-bytes", v -> Long.toString(ByteSizes.parse(v))));
        KEYS.put("vm.overlay-size", new Key("banger.vm.overlay-bytes", v -> Long.toString(ByteSizes.parse(v))));
        KEYS.put("vm.image", new Key("banger.vm.image", v -> matches(v, "[a-z0-9][a-z0-9._-]{0,62}", "an image name")));
        KEYS.put("vm.warm-pool", new Key("banger.vm.warm-pool", v -> range(v, 0, 8)));
        KEYS.put("net.bridge", new Key("banger.net.bridge",
                v -> matches(v, "[a-z][a-z0-9_-]{0,14}", "an interface name of at most 15 characters")));
        KEYS.put("net.gateway", new Key("banger.net.gateway", v -> {
            try {
                Ipv4Cidr.parse(v);
                return v;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be an address with its prefix, like 172.16.0.1/24: "
                        + e.getMessage());
            }
        }));
        KEYS.put("net.nat", new Key("banger.net.nat", v -> oneOf(v, "auto", "nftables", "iptables")));
        KEYS.put("dns.port", new Key("banger.dns.port", v -> range(v, 1, 65535)));
        KEYS.put("net.names", new Key("banger.net.names", v -> oneOf(v, "auto", "resolved", "hosts-file", "off")));
        KEYS.put("update.manifest-url", new Key("banger.update.manifest-url",
                v -> matches(v, "https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._~/-]*", "an https URL")));
        KEYS.put("log.level", new Key("quarkus.log.level",
                v -> oneOf(v.toUpperCase(Locale.ROOT), "TRACE", "DEBUG", "INFO", "WARN", "ERROR")));
    }

    private Settings() {
    }

    public static Set<String> keys() {
        return KEYS.keySet();
    }

    public static Key key(String name) {
        return KEYS.get(name);
    }

    /**
     * The checked settings of these files, later files winning; a missing file is skipped.
     * Throws IllegalArgumentException naming the file, the key and what is wrong.
     */
    public static Map<String, String> read(List<Path> files) {
        Map<String, String> settings = new TreeMap<>();
        for (Path f : files) {
            if (Files.notExists(f)) {
                continue;
            }
            // There but unreadable (a directory this process may not enter): an error, not "no settings".
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new IllegalArgumentException(f + ": cannot read it (not a readable file, or a directory on"
                        + " its path is closed to this user)");
            }
            Properties p = new Properties();
            try {
                p.load(new StringReader(Files.readString(f)));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(f + ": cannot read it: " + e.getMessage());
            }
            for (String name : p.stringPropertyNames()) {
                Key k = KEYS.get(name);
                if (k == null) {
                    throw new IllegalArgumentException(f + ": unknown setting '" + name + "'; known: "
                            + String.join(", ", KEYS.keySet()));
                }
                String value = p.getProperty(name).strip();
                try {
                    settings.put(name, k.check().apply(value));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f + ": " + name + " = '" + value + "': " + e.getMessage());
                }
            }
        }
        return settings;
    }

    static String oneOf(String v, String... allowed) {
        if (!List.of(allowed).contains(v)) {
            throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
        }
        return v;
    }

    static String matches(String v, String regex, String what) {
        if (!v.matches(regex)) {
            throw new IllegalArgumentException("must be " + what);
        }
        return v;
    }

    static String range(String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return Integer.toString(n);
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
    }
}
