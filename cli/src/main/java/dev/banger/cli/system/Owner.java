package dev.banger.cli.system;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.CommandRunner;
import java.time.Duration;
import java.util.List;

/** The unprivileged user the services run for, from the passwd database (getent). */
public record Owner(String name, int uid, int gid) {
    public static Owner lookUp(String name, CommandRunner runner) {
        if (name == null || !name.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new UserError(ErrorKind.BAD_REQUEST, "--owner must be a user name, got '" + name + "'");
        }
        CommandResult r = runner.run(List.of("getent", "passwd", name), Duration.ofSeconds(10));
        String[] f = r.stdout().strip().split(":");
        if (!r.ok() || f.length < 7) {
            throw new UserError(ErrorKind.NOT_FOUND, "there is no user " + name + " on this host");
        }
        Owner o = new Owner(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
        if (o.uid == 0) {
            throw new UserError(ErrorKind.BAD_REQUEST, "the owner must be an unprivileged user, not root: the root"
                    + " services act for it, and only the net and storage services run as root");
        }
        return o;
    }
}
