package dev.banger.orchestrator.identity;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host user's identity a guest gets at every start (STO-3): the global git
 * user.name/email, and the coding agents' auth files. A file the host does not have is
 * reported, never an error: the guest then keeps whatever copy it has.
 */
public final class HostIdentity {
    /** A coding agent's credentials file, at the same path under the guest's /root. */
    public record AgentFile(String agent, String relativePath) {
        public String guestPath() {
            return "/root/" + relativePath;
        }
    }

    public static final List<AgentFile> AGENT_FILES = List.of(
            new AgentFile("opencode", ".local/share/opencode/auth.json"),
            new AgentFile("claude", ".claude/.credentials.json"),
            new AgentFile("pi", ".pi/agent/auth.json"));
    /** The config disk carries at most 1 MiB of them; one file of more is not a credentials file. */
    static final long MAX_FILE = 256 * 1024;

    /** What was found: auth files by guest path; missing names what the host lacks (~/...). */
    public record Identity(String gitUserName, String gitUserEmail, Map<String, byte[]> authFiles,
            List<String> missing) {
        public String describe() {
            List<String> parts = new ArrayList<>();
            parts.add(gitUserName.isEmpty() && gitUserEmail.isEmpty() ? "no global git identity on the host"
                    : "git " + (gitUserName + " <" + gitUserEmail + ">").strip());
            if (!authFiles.isEmpty()) {
                parts.add(authFiles.size() + " agent auth file(s)");
            }
            if (!missing.isEmpty()) {
                parts.add("warning: not on the host, the guest keeps its own: " + String.join(", ", missing));
            }
            return String.join("; ", parts);
        }

        /** Tells two readings apart by everything a guest gets (the warm pool's VMs got an earlier one). */
        public String fingerprint() {
            java.security.MessageDigest d = dev.banger.common.fs.Sha256.digest();
            for (String s : List.of(gitUserName, gitUserEmail)) {
                d.update((s + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            new java.util.TreeMap<>(authFiles).forEach((path, bytes) -> {
                d.update((path + "\0" + bytes.length + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                d.update(bytes);
            });
            return java.util.HexFormat.of().formatHex(d.digest());
        }
    }

    private final CommandRunner run;
    private final Path home;

    public HostIdentity(CommandRunner run, Path home) {
        this.run = run;
        this.home = home;
    }

    public Identity read() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (AgentFile f : AGENT_FILES) {
            Path p = home.resolve(f.relativePath());
            try {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) <= MAX_FILE) {
                    files.put(f.guestPath(), Files.readAllBytes(p));
                    continue;
                }
            } catch (IOException e) {
                // unreadable is the same as absent for the guest
            }
            missing.add("~/" + f.relativePath());
        }
        return new Identity(gitGlobal("user.name"), gitGlobal("user.email"), files, missing);
    }

    /** git's global config of this home: ~/.gitconfig wins over ~/.config/git/config, as git reads them. */
    private String gitGlobal(String key) {
        for (Path file : List.of(home.resolve(".gitconfig"), home.resolve(".config/git/config"))) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            CommandResult r = run.run(List.of("git", "config", "--file", file.toString(), "--includes", "--get", key),
                    Duration.ofSeconds(10));
            String v = r.ok() ? r.stdout().strip() : "";
            if (!v.isEmpty() && !v.contains("\n")) {
                return v;
            }
        }
        return "";
    }
}
