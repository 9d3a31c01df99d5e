package dev.banger.cli.vm;

import dev.banger.common.exec.ShellQuote;
import dev.banger.proto.api.v1.SshTarget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Runs the system ssh against a VM with banger's key and known_hosts (never the user's). */
final class Ssh {
    private Ssh() {
    }

    static List<String> argv(SshTarget t, List<String> command, boolean interactive) {
        List<String> a = new ArrayList<>(List.of("ssh", "-i", t.getIdentityFile(),
                "-o", "UserKnownHostsFile=" + t.getKnownHostsFile(), "-o", "StrictHostKeyChecking=yes",
                "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
                // Bounded: a VM that stops answering ends the session in about a minute instead of never.
                "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4",
                "-p", Integer.toString(t.getPort())));
        boolean workspace = !t.getWorkspacePath().isEmpty();
        if (!interactive) {
            a.addAll(List.of("-o", "BatchMode=yes"));
        } else if (!command.isEmpty() || workspace) {
            a.add("-t");
        }
        a.add(t.getUser() + "@" + t.getHost());
        String inWorkspace = workspace ? "cd " + ShellQuote.quote(t.getWorkspacePath()) + " && " : "";
        if (!command.isEmpty()) {
            a.add(inWorkspace + ShellQuote.join(command));
        } else if (workspace) {
            // An interactive shell that starts in the checkout: a login shell, as plain ssh would give.
            a.add(inWorkspace + "exec \"${SHELL:-/bin/sh}\" -l");
        }
        return a;
    }

    /** Runs ssh with this terminal's stdin/stdout/stderr; returns its exit status (the command's). */
    static int run(SshTarget t, List<String> command, boolean interactive) throws IOException, InterruptedException {
        return new ProcessBuilder(argv(t, command, interactive)).inheritIO().start().waitFor();
    }
}
