package dev.banger.orchestrator.ssh;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.SSHClient;

/**
 * Logged-in SSH connections to guests kept between one command and the next, at most one
 * idle per guest address: a login costs an emulated guest about half a second (sshd's
 * re-exec, the key exchange and the key check), which a workspace export paid on every
 * call. A connection in use is its user's alone; one idle longer than {@link #IDLE} is
 * closed, and a guest's are closed as soon as its VM stops, so an address given to
 * another VM never meets the old VM's connection (which could only fail: its TCP peer is
 * gone).
 */
final class SshConnections {
    static final Duration IDLE = Duration.ofSeconds(60);
    private final Map<String, Idle> idle = new ConcurrentHashMap<>();
    private final long idleNanos;

    SshConnections() {
        this(IDLE);
    }

    /** maxIdle: how long a login is kept unused (tests use a short one). */
    SshConnections(Duration maxIdle) {
        this.idleNanos = maxIdle.toNanos();
    }

    private record Idle(SSHClient client, long sinceNanos) {
    }

    /** The idle connection to ip, if one is still logged in and fresh; it is the caller's until given back. */
    SSHClient take(String ip) {
        Idle i = idle.remove(ip);
        if (i == null) {
            return null;
        }
        if (!usable(i.client()) || expired(i)) {
            GuestSession.closeQuietly(i.client());
            return null;
        }
        return i.client();
    }

    /** A connection whose commands all went well, kept for the next; a broken one is closed. */
    void giveBack(String ip, SSHClient c) {
        if (!usable(c)) {
            GuestSession.closeQuietly(c);
            return;
        }
        Idle old = idle.put(ip, new Idle(c, System.nanoTime()));
        if (old != null && old.client() != c) {
            GuestSession.closeQuietly(old.client());
        }
    }

    /** The guest at ip is gone or going (stop, kill, delete, restart): its idle connection with it. */
    void forget(String ip) {
        Idle i = idle.remove(ip);
        if (i != null) {
            GuestSession.closeQuietly(i.client());
        }
    }

    /** Closes the connections idle for too long; returns how many stay. */
    int closeIdle() {
        idle.forEach((ip, i) -> {
            if (expired(i) && idle.remove(ip, i)) {
                GuestSession.closeQuietly(i.client());
            }
        });
        return idle.size();
    }

    void closeAll() {
        idle.keySet().forEach(this::forget);
    }

    private boolean expired(Idle i) {
        return System.nanoTime() - i.sinceNanos() > idleNanos;
    }

    private static boolean usable(SSHClient c) {
        return c.isConnected() && c.isAuthenticated();
    }
}
