package dev.banger.storage.vmconfig;

import dev.banger.common.ids.Names;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.storage.StorageInputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Lays out a VM's configuration as files for a tiny config disk (mkfs.ext4 -d, ~20 ms)
 * that banger's guest init applies at boot, instead of editing the root disk from the
 * host: nothing needs e2fsck or debugfs before each boot, and the root disk stays the
 * image's until the guest itself writes to it. Layout:
 *
 * <pre>
 * banger.env        BANGER_HOSTNAME, BANGER_IP, BANGER_PREFIX, BANGER_GATEWAY, BANGER_DNS
 * hostname, hosts
 * authorized_keys   root's SSH keys (0600)
 * agent-token       the guest agent's per-VM secret (0600)
 * gitconfig         [user] name/email from the host (only when set)
 * auth/MANIFEST     "N GUEST_PATH" per line; auth/N holds the file (0600)
 * ssh_host_ed25519_key(.pub)   the guest's SSH host key, when the orchestrator made one (0600)
 * </pre>
 */
public final class VmConfigDisk {
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
            + "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private VmConfigDisk() {
    }

    /** Checks every field; nothing is written for a config that fails. */
    public static void validate(VmConfig c) {
        Names.requireVmId(c.vmId());
        StorageInputs.requireHostname(c.hostname());
        requireIp(c.guestIp(), "guest_ip");
        requireIp(c.gateway(), "gateway");
        if (c.prefixLength() < 8 || c.prefixLength() > 30) {
            throw new InvalidArgumentException("prefix_length must be 8..30, got " + c.prefixLength());
        }
        c.dnsServers().forEach(d -> requireIp(d, "dns server"));
        c.authorizedKeys().forEach(k -> {
            StorageInputs.requireOneLine(k, "an authorized key");
            if (!k.matches("(ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]+ [A-Za-z0-9+/=]+( .*)?")) {
                throw new InvalidArgumentException("not an OpenSSH public key line: '" + k + "'");
            }
        });
        if (c.agentToken() == null || !c.agentToken().matches("[A-Za-z0-9_-]{16,128}")) {
            throw new InvalidArgumentException("agent_token must be 16-128 of A-Z a-z 0-9 _ -");
        }
        StorageInputs.requireOneLine(c.gitUserName(), "git user.name");
        StorageInputs.requireOneLine(c.gitUserEmail(), "git user.email");
        c.agentAuthFiles().keySet().forEach(StorageInputs::requireGuestAuthPath);
        if (c.sshHostKey() != null) {
            String priv = new String(c.sshHostKey().privateKey(), StandardCharsets.US_ASCII);
            if (c.sshHostKey().privateKey().length > 4096 || !priv.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
                    || !priv.endsWith("-----END OPENSSH PRIVATE KEY-----\n")) {
                throw new InvalidArgumentException("ssh_host_key must be an OpenSSH private key file");
            }
            if (!c.sshHostKey().publicLine().matches("ssh-ed25519 [A-Za-z0-9+/=]{40,200}( [A-Za-z0-9@._-]*)?")) {
                throw new InvalidArgumentException("ssh_host_key_pub must be one ssh-ed25519 public key line");
            }
        }
        long total = c.agentAuthFiles().values().stream().mapToLong(b -> b.length).sum();
        if (total > 1 << 20) {
            throw new InvalidArgumentException("agent auth files total more than 1 MiB");
        }
    }

    /** Writes the layout into an empty staging directory. */
    public static void stage(VmConfig c, Path dir) throws IOException {
        write(dir.resolve("banger.env"), String.join("\n",
                "BANGER_HOSTNAME=" + c.hostname(),
                "BANGER_IP=" + c.guestIp(),
                "BANGER_PREFIX=" + c.prefixLength(),
                "BANGER_GATEWAY=" + c.gateway(),
                "BANGER_DNS=" + String.join(",", c.dnsServers())) + "\n", false);
        write(dir.resolve("hostname"), c.hostname() + "\n", false);
        write(dir.resolve("hosts"), "127.0.0.1 localhost\n" + c.guestIp() + " " + c.hostname() + ".vm " + c.hostname()
                + "\n::1 localhost ip6-localhost ip6-loopback\n", false);
        write(dir.resolve("authorized_keys"), String.join("\n", c.authorizedKeys()) + "\n", true);
        write(dir.resolve("agent-token"), c.agentToken() + "\n", true);
        if (!c.gitUserName().isEmpty() || !c.gitUserEmail().isEmpty()) {
            StringBuilder git = new StringBuilder("[user]\n");
            if (!c.gitUserName().isEmpty()) {
                git.append("\tname = ").append(gitQuote(c.gitUserName())).append('\n');
            }
            if (!c.gitUserEmail().isEmpty()) {
                git.append("\temail = ").append(gitQuote(c.gitUserEmail())).append('\n');
            }
            write(dir.resolve("gitconfig"), git.toString(), false);
        }
        if (c.sshHostKey() != null) {
            Path key = dir.resolve("ssh_host_ed25519_key");
            Files.write(key, c.sshHostKey().privateKey());
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            write(dir.resolve("ssh_host_ed25519_key.pub"), c.sshHostKey().publicLine() + "\n", false);
        }
        Path auth = Files.createDirectory(dir.resolve("auth"));
        List<String> manifest = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, byte[]> f : c.agentAuthFiles().entrySet()) {
            Path file = auth.resolve(Integer.toString(n));
            Files.write(file, f.getValue());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            manifest.add(n + " " + f.getKey());
            n++;
        }
        write(auth.resolve("MANIFEST"), manifest.isEmpty() ? "" : String.join("\n", manifest) + "\n", false);
    }

    /** A git config value in double quotes, with the two characters git treats specially escaped. */
    static String gitQuote(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void requireIp(String ip, String what) {
        if (ip == null || !IPV4.matcher(ip).matches()) {
            throw new InvalidArgumentException(what + " is not an IPv4 address: '" + ip + "'");
        }
    }

    private static void write(Path file, String content, boolean secret) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
    }
}
