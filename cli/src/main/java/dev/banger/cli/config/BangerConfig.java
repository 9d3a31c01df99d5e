package dev.banger.cli.config;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.Sizes;
import dev.banger.cli.output.UserError;
import dev.banger.common.ip.Ipv4Cidr;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * OPS-6: banger's settings, from a properties file: the system's
 * {@code /etc/banger/config.properties}, then the user's {@code CONFIG_DIR/config.properties}
 * (XDG_CONFIG_HOME/banger, or BANGER_HOME/config), the user's winning. With BANGER_HOME
 * set (dev mode, tests) only its own file counts. Every key and value is checked when
 * read: an unknown key or a bad value stops `daemon start` with the file and the key
 * named, before any service starts. Settings reach the services as system properties.
 * The environment variable BANGER_VMM overrides vmm.
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
 * net.bridge = banger0
 * net.gateway = 172.16.0.1/24    # the bridge's address: VMs get the others
 * net.nat = auto                 # auto, nftables or iptables
 * log.level = INFO
 * update.manifest-url = https://HOST/PATH/manifest.json   # where `banger update` looks for releases
 * </pre>
 */
public record BangerConfig(Map<String, String> settings, List<Path> files) {
    public static final Path SYSTEM_FILE = Path.of("/etc/banger/config.properties");

    /** key -> (system property, check-and-normalise). */
    private record Key(String property, UnaryOperator<String> check) {
    }

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("vmm", new Key("banger.vmm", v -> oneOf(v, "auto", "firecracker", "qemu")));
        KEYS.put("vmm.accel", new Key("banger.vmm.accel", v -> oneOf(v, "auto", "kvm", "tcg")));
        KEYS.put("vmm.firecracker-binary", new Key("banger.vmm.firecracker-binary",
                v -> matches(v, "[A-Za-z0-9._/-]{1,200}", "a command name or path")));
        KEYS.put("vm.vcpu", new Key("banger.vm.vcpu", v -> range(v, 1, 64)));
        KEYS.put("vm.memory-mib", new Key("banger.vm.memory-mib", v -> range(v, 128, 1 << 20)));
        KEYS.put("vm.disk-size", new Key("banger.vm.disk-bytes", v -> Long.toString(Sizes.parse(v, "vm.disk-size"))));
        KEYS.put("vm.overlay-size", new Key("banger.vm.overlay-bytes",
                v -> Long.toString(Sizes.parse(v, "vm.overlay-size"))));
        KEYS.put("vm.image", new Key("banger.vm.image", v -> matches(v, "[a-z0-9][a-z0-9._-]{0,62}", "an image name")));
        KEYS.put("net.bridge", new Key("banger.net.bridge",
                v -> matches(v, "[a-z][a-z0-9_-]{0,14}", "an interface name of at most 15 characters")));
        KEYS.put("net.gateway", new Key("banger.net.gateway", v -> {
            try {
                Ipv4Cidr.parse(v);
                return v;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be an address with its prefix, like 172.16.0.1/24: " + e.getMessage());
            }
        }));
        KEYS.put("net.nat", new Key("banger.net.nat", v -> oneOf(v, "auto", "nftables", "iptables")));
        KEYS.put("dns.port", new Key("banger.dns.port", v -> range(v, 1, 65535)));
        KEYS.put("net.names", new Key("banger.net.names", v -> oneOf(v, "auto", "resolved", "hosts-file", "off")));
        KEYS.put("update.manifest-url", new Key("banger.update.manifest-url",
                v -> matches(v, "https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._~/-]*", "an https URL")));
        KEYS.put("log.level", new Key("quarkus.log.level",
                v -> oneOf(v.toUpperCase(java.util.Locale.ROOT), "TRACE", "DEBUG", "INFO", "WARN", "ERROR")));
    }

    public static Set<String> keys() {
        return KEYS.keySet();
    }

    public static BangerConfig load(BangerPaths paths, boolean devHome) {
        List<Path> files = new ArrayList<>();
        if (!devHome) {
            files.add(SYSTEM_FILE);
        }
        files.add(paths.configDir().resolve("config.properties"));
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
            s.put("vmm", KEYS.get("vmm").check().apply(vmm.strip()));
        } catch (IllegalArgumentException e) {
            throw new UserError(ErrorKind.BAD_REQUEST, "BANGER_VMM = '" + vmm + "': " + e.getMessage());
        }
        return new BangerConfig(java.util.Collections.unmodifiableMap(s), files);
    }

    /** Later files override earlier ones; files that do not exist are skipped. */
    static BangerConfig load(List<Path> candidates) {
        Map<String, String> settings = new TreeMap<>();
        List<Path> read = new ArrayList<>();
        for (Path f : candidates) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            Properties p = new Properties();
            try {
                p.load(new StringReader(Files.readString(f)));
            } catch (IOException | IllegalArgumentException e) {
                throw new UserError(ErrorKind.BAD_REQUEST, f + ": cannot read it: " + e.getMessage());
            }
            for (String key : p.stringPropertyNames()) {
                Key k = KEYS.get(key);
                if (k == null) {
                    throw new UserError(ErrorKind.BAD_REQUEST, f + ": unknown setting '" + key + "'; known: "
                            + String.join(", ", KEYS.keySet()));
                }
                String value = p.getProperty(key).strip();
                try {
                    settings.put(key, k.check().apply(value));
                } catch (IllegalArgumentException | UserError e) {
                    throw new UserError(ErrorKind.BAD_REQUEST, f + ": " + key + " = '" + value + "': " + e.getMessage());
                }
            }
            read.add(f);
        }
        return new BangerConfig(java.util.Collections.unmodifiableMap(settings), List.copyOf(read)); // sorted by key
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** -Dproperty=value for every setting, for each service's command line. */
    public List<String> systemProperties() {
        List<String> flags = new ArrayList<>();
        settings.forEach((key, value) -> flags.add("-D" + KEYS.get(key).property() + "=" + value));
        return flags;
    }

    private static String oneOf(String v, String... allowed) {
        if (!List.of(allowed).contains(v)) {
            throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
        }
        return v;
    }

    private static String matches(String v, String regex, String what) {
        if (!v.matches(regex)) {
            throw new IllegalArgumentException("must be " + what);
        }
        return v;
    }

    private static String range(String v, int min, int max) {
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
