package dev.banger.storage.owner;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandRunner;
import dev.banger.common.exec.ProcessRunner;
import dev.banger.common.rpc.ServiceHost;
import java.util.List;

/**
 * The uid and gid the services run VMs for (SEC-1). File work inside directories the
 * owner can write runs as this identity (SEC-2): a child process under setpriv with the
 * owner's uid, gid and no supplementary groups or capabilities, so a symlink or rename
 * the owner plants can only point it at files the owner could touch anyway.
 */
public record OwnerCredentials(int uid, int gid) {
    public OwnerCredentials {
        if (uid < 0 || gid < 0) {
            throw new InvalidArgumentException("owner uid and gid must be >= 0, got " + uid + ":" + gid);
        }
    }

    /** Whether this process already is the owner (dev mode): nothing to drop then. */
    public boolean isSelf() {
        return uid == ServiceHost.currentUid();
    }

    /** The argv prefix that runs a program as the owner; empty when we already are the owner. */
    public List<String> prefix() {
        if (isSelf()) {
            return List.of();
        }
        return List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--");
    }

    /** A runner whose every program runs as the owner. */
    public CommandRunner runner() {
        return new ProcessRunner(prefix());
    }

    /** The owner's primary group from the passwd database, else a group of the same number. */
    public static OwnerCredentials of(int uid, CommandRunner run) {
        var entry = run.run(List.of("getent", "passwd", Integer.toString(uid)));
        String[] fields = entry.stdout().strip().split(":");
        int gid = entry.ok() && fields.length > 3 ? Integer.parseInt(fields[3]) : uid;
        return new OwnerCredentials(uid, gid);
    }
}
