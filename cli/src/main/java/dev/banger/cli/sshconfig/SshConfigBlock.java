package dev.banger.cli.sshconfig;

import dev.banger.common.exec.ShellQuote;
import dev.banger.common.fs.MarkedBlock;
import java.nio.file.Path;
import java.util.Optional;

/**
 * banger's `Host *.vm` block for ~/.ssh/config (NET-5): banger's key, publickey only,
 * banger's known_hosts (which knows each VM as NAME.vm as well as by its address), and a
 * ProxyCommand through the banger CLI, which asks the daemon for the VM's address and
 * connects, so plain `ssh root@NAME.vm` works where the host's resolver knows nothing of .vm.
 */
public record SshConfigBlock(Path identityFile, Path knownHostsFile, Path launcher, Optional<Path> bangerHome) {
    static final MarkedBlock MARKERS = new MarkedBlock("banger: Host *.vm (banger ssh-config --uninstall removes it)");

    /** The block's lines. */
    public String body() {
        // ProxyCommand is run by a shell: every path in it is shell-quoted.
        String proxy = bangerHome.map(h -> "env " + ShellQuote.quote("BANGER_HOME=" + h) + " ").orElse("")
                + ShellQuote.quote(launcher.toString()) + " vm ssh-proxy %h %p";
        return "Host *.vm\n"
                + "    User root\n"
                + "    IdentityFile " + quoted(identityFile) + "\n"
                + "    IdentitiesOnly yes\n"
                + "    PreferredAuthentications publickey\n"
                + "    PasswordAuthentication no\n"
                + "    KbdInteractiveAuthentication no\n"
                + "    UserKnownHostsFile " + quoted(knownHostsFile) + "\n"
                + "    StrictHostKeyChecking yes\n"
                + "    ProxyCommand " + proxy + "\n";
    }

    /** ssh_config's own quoting: double quotes around a path with spaces. */
    private static String quoted(Path p) {
        String s = p.toString();
        if (s.contains("\"") || s.contains("\n")) {
            throw new IllegalArgumentException("ssh_config cannot name a path with quotes or newlines: " + s);
        }
        return s.contains(" ") ? "\"" + s + "\"" : s;
    }

    /** The config text with this block (replacing an older one of banger's). */
    public String addTo(String config) {
        return MARKERS.with(config, body());
    }

    public static String removeFrom(String config) {
        return MARKERS.without(config);
    }

    public static boolean in(String config) {
        return MARKERS.in(config);
    }
}
