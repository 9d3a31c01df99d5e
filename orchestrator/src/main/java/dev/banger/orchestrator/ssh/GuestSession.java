package dev.banger.orchestrator.ssh;

import dev.banger.common.exec.Deadline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * One SSH connection to a guest for several commands in a row, each with its stdin
 * streamed from the host and its stdout streamed back (a workspace's git objects and
 * files in, a patch out): no temp copy on either side. Every command has a deadline
 * (the connection is dropped when it passes) and its stdout a cap. At close the
 * connection is kept for the next session (SshConnections) when every command ended well.
 */
public final class GuestSession implements GuestShell, AutoCloseable {
    private static final int STDERR_CAP = 64 * 1024;
    /**
     * stdin, stdout and stderr of a command move at the same time, each on its own
     * thread: never the common pool, whose single worker on a 2-core host would leave
     * the feed waiting behind a blocked read, and never a bounded pool, where a copy
     * queued behind another session's would stall this one.
     */
    private static final java.util.concurrent.ExecutorService STREAMS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "guest-session-stream");
        t.setDaemon(true);
        return t;
    });

    /** Logs in afresh: how a session on a kept connection recovers when that connection broke. */
    interface Login {
        SSHClient connect() throws IOException;
    }

    private SSHClient client;
    private Login relogin;
    private final java.util.function.Consumer<SSHClient> release;
    private boolean failed;

    /**
     * relogin: for a connection kept from an earlier session (null for a new one);
     * release: where the connection goes at close when every command went well.
     */
    GuestSession(SSHClient client, Login relogin, java.util.function.Consumer<SSHClient> release) {
        this.client = client;
        this.relogin = relogin;
        this.release = release;
    }

    /** A channel for the next command; on a kept connection that broke, once more on a new login. */
    private Session startSession() throws IOException {
        try {
            return client.startSession();
        } catch (IOException | RuntimeException e) {
            if (relogin == null) {
                throw e;
            }
            closeQuietly(client);
            client = relogin.connect();
            relogin = null;
            return client.startSession();
        } finally {
            relogin = null; // only the first command may find the kept connection broken
        }
    }

    @Override
    public Outcome run(String command, Feed feed, OutputStream sink, long stdoutCap, Duration deadline)
            throws IOException {
        Deadline watchdog = null;
        try (Session s = startSession()) {
            Session.Command cmd = s.exec(command);
            watchdog = Deadline.closeAfter(deadline, cmd);
            try {
                CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> capped(cmd.getErrorStream()),
                        STREAMS);
                CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
                    try (OutputStream stdin = cmd.getOutputStream()) {
                        if (feed != null) {
                            feed.writeTo(stdin);
                        }
                        // sshj's close() flushes without waiting for the remote window and drops
                        // what does not fit; flush() waits. Without it a large pack lost its tail.
                        stdin.flush();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, STREAMS);
                copy(cmd.getInputStream(), sink, stdoutCap, cmd);
                try {
                    in.join();
                } catch (java.util.concurrent.CompletionException e) {
                    if (!watchdog.expired()) {
                        throw new IOException("sending to the guest failed: " + rootMessage(e), e);
                    }
                }
                cmd.join(Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS);
                String stderr = err.join();
                if (watchdog.expired()) {
                    throw new IOException("the guest command did not finish within " + deadline.toSeconds() + "s");
                }
                Integer exit = cmd.getExitStatus();
                failed |= exit == null; // cut short: the connection is not kept
                return new Outcome(exit == null ? -1 : exit, stderr);
            } finally {
                watchdog.close();
            }
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        } catch (IOException e) {
            failed = true;
            if (watchdog != null && watchdog.expired()) {
                throw new IOException("the guest command did not finish within " + deadline.toSeconds() + "s", e);
            }
            throw e;
        }
    }

    private static void copy(InputStream in, OutputStream sink, long cap, Session.Command cmd) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            total += n;
            if (total > cap) {
                closeQuietly(cmd);
                throw new IOException("the guest sent more than " + cap + " bytes; stopped reading");
            }
            if (sink != null) {
                sink.write(buf, 0, n);
            }
        }
    }

    private static String capped(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, Math.min(n, Math.max(0, STDERR_CAP - out.size())));
            }
        } catch (IOException e) {
            // the channel closed; what came so far is what there is
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** A channel or a connection that may have broken or closed already. */
    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // already closed or broken
        }
    }

    @Override
    public void close() throws IOException {
        if (failed) {
            closeQuietly(client);
        } else {
            release.accept(client);
        }
    }
}
