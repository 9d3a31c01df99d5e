package dev.banger.orchestrator.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * The orchestrator's commands in guests over SSH (sshj), as root with banger's key.
 * learn=true takes and records the guest's host key (its first boot); otherwise the
 * recorded key must match.
 */
public final class GuestSsh {
    private final SshKeys keys;
    private final KnownHosts known;

    public GuestSsh(SshKeys keys, KnownHosts known) {
        this.keys = keys;
        this.known = known;
    }

    public record Result(int exit, String out) {
    }

    /** Waits until SSH answers with a working login, or the deadline passes. */
    public void awaitReady(String ip, Duration deadline, boolean learn) {
        long end = System.nanoTime() + deadline.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            try {
                if (exec(ip, "true", Duration.ofSeconds(5), learn).exit() == 0) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                last = e;
            }
            sleep(250);
        }
        throw new IllegalStateException("the guest at " + ip + " did not answer SSH within " + deadline.toSeconds() + "s"
                + (last == null ? "" : " (" + last.getMessage() + ")"));
    }

    public Result exec(String ip, String command, Duration timeout, boolean learn) throws IOException {
        try (SSHClient c = new SSHClient()) {
            c.addHostKeyVerifier(verifier(learn));
            c.setConnectTimeout(3000);
            c.setTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.connect(ip, 22);
            c.authPublickey("root", c.loadKeys(keys.privateKey().toString()));
            try (Session s = c.startSession()) {
                Session.Command cmd = s.exec(command);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                cmd.getInputStream().transferTo(out);
                cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Integer exit = cmd.getExitStatus();
                return new Result(exit == null ? -1 : exit, out.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private HostKeyVerifier verifier(boolean learn) {
        return new HostKeyVerifier() {
            @Override
            public boolean verify(String host, int port, PublicKey key) {
                byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
                String type = KeyType.fromKey(key).toString();
                if (learn) {
                    known.replace(host, type, blob);
                    return true;
                }
                return known.keyFor(host).map(k -> k.equals(type + " "
                        + java.util.Base64.getEncoder().encodeToString(blob))).orElse(false);
            }

            @Override
            public List<String> findExistingAlgorithms(String host, int port) {
                return known.keyFor(host).map(k -> List.of(k.split(" ")[0])).orElse(List.of());
            }
        };
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
