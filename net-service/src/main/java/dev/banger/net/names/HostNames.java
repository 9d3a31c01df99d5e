package dev.banger.net.names;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.fs.MarkedBlock;
import dev.banger.common.ids.Names;
import dev.banger.common.ip.Ipv4Cidr;
import dev.banger.net.NetInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Makes the host resolve NAME.vm (NET-4), from the table the orchestrator sends on every
 * change. Where systemd-resolved runs, the bridge link gets the orchestrator's listener
 * as its DNS server for `~vm` (`resolvectl dns|domain`, undone with `resolvectl revert`);
 * elsewhere the hosts file gets a marked block. Under `ip netns` that is the namespace's
 * own file, /etc/netns/NS/hosts, which `ip netns exec` shows as /etc/hosts, so a test
 * namespace never touches the host's. Root writes only what it validated: DNS labels and
 * addresses on the VM subnet.
 */
public final class HostNames {
    static final MarkedBlock BLOCK = new MarkedBlock("banger: VM names (NET-4), kept by banger's net service");
    private static final Pattern LOOPBACK_LISTENER = Pattern.compile("127\\.0\\.0\\.1:(\\d{1,5})");
    private final NameMethod method;
    private final String bridge;
    private final Ipv4Cidr subnet;
    private final Path hostsFile;
    private final Path seedFile;
    private final CommandRunner run;

    public record Result(NameMethod method, String detail) {
    }

    /**
     * @param hostsFile the file the block goes in
     * @param seedFile what a missing hostsFile starts as (/etc/hosts for a namespace's file)
     */
    public HostNames(NameMethod method, String bridge, Ipv4Cidr subnet, Path hostsFile, Path seedFile, CommandRunner run) {
        if (method == NameMethod.AUTO) {
            throw new IllegalArgumentException("resolve AUTO first: HostNames.choose");
        }
        this.method = method;
        this.bridge = bridge;
        this.subnet = subnet;
        this.hostsFile = hostsFile;
        this.seedFile = seedFile;
        this.run = run;
    }

    /** AUTO: resolved when its D-Bus-free varlink socket exists (it runs), else the hosts file. */
    public static NameMethod choose(NameMethod configured, Path resolvedSocket) {
        if (configured != NameMethod.AUTO) {
            return configured;
        }
        return Files.exists(resolvedSocket) ? NameMethod.RESOLVED : NameMethod.HOSTS_FILE;
    }

    /** The hosts file for this process: its named network namespace's, else /etc/hosts. */
    public static Path hostsFileFor(java.util.Optional<String> netns) {
        return netns.map(ns -> Path.of("/etc/netns", NetInputs.requireNetnsName(ns), "hosts"))
                .orElse(Path.of("/etc/hosts"));
    }

    /** Publishes the whole table; dnsAddress is the orchestrator's listener (127.0.0.1:PORT). */
    public synchronized Result publish(Map<String, String> nameToIp, String dnsAddress) {
        Map<String, String> names = validate(nameToIp);
        switch (method) {
            case RESOLVED -> {
                if (!LOOPBACK_LISTENER.matcher(dnsAddress).matches()) {
                    throw new InvalidArgumentException("the DNS listener must be 127.0.0.1:PORT, got '" + dnsAddress + "'");
                }
                run.check("resolvectl", "dns", bridge, dnsAddress);
                run.check("resolvectl", "domain", bridge, "~vm");
                return new Result(method, "link " + bridge + " -> " + dnsAddress);
            }
            case HOSTS_FILE -> {
                StringBuilder body = new StringBuilder();
                names.forEach((name, ip) -> body.append(ip).append(' ').append(name).append(".vm\n"));
                rewrite(body.toString());
                return new Result(method, hostsFile.toString());
            }
            default -> {
                return new Result(method, "");
            }
        }
    }

    /** Undoes publish: the daemon is stopping, so nothing answers for .vm any more. */
    public synchronized Result withdraw() {
        switch (method) {
            case RESOLVED -> run.check("resolvectl", "revert", bridge);
            case HOSTS_FILE -> {
                if (Files.exists(hostsFile)) {
                    rewrite("");
                }
            }
            default -> {
            }
        }
        return new Result(method, method == NameMethod.HOSTS_FILE ? hostsFile.toString() : "");
    }

    private Map<String, String> validate(Map<String, String> nameToIp) {
        Map<String, String> out = new TreeMap<>();
        nameToIp.forEach((name, ip) -> {
            Names.requireVmName(name);
            NetInputs.requireGuestIp(ip, subnet);
            out.put(name, ip);
        });
        return out;
    }

    /** Beside the file and renamed over it; where the file is a mount point (a container's), in place. */
    private void rewrite(String body) {
        try {
            String before = Files.exists(hostsFile) ? Files.readString(hostsFile, StandardCharsets.UTF_8)
                    : Files.exists(seedFile) ? Files.readString(seedFile, StandardCharsets.UTF_8) : "";
            String after = BLOCK.with(before, body);
            if (after.equals(before) && Files.exists(hostsFile)) {
                return;
            }
            Files.createDirectories(hostsFile.getParent());
            Path tmp = hostsFile.resolveSibling("." + hostsFile.getFileName() + ".banger-tmp");
            Files.writeString(tmp, after, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            try {
                Files.move(tmp, hostsFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException busy) {
                Files.deleteIfExists(tmp);
                Files.writeString(hostsFile, after, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + hostsFile + ": " + e.getMessage(), e);
        }
    }
}
