package dev.banger.orchestrator.ssh;

import dev.banger.common.exec.Deadline;
import dev.banger.common.exec.Poll;
import dev.banger.common.errors.FailedPreconditionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * The orchestrator's commands in guests over SSH (sshj), as root with banger's key,
 * checking the host key banger gave the guest (known_hosts).
 */
public final class GuestSsh {
    private final SshKeys keys;
    private final KnownHosts known;
    private final int port;
    private final SshConnections connections;

    public GuestSsh(SshKeys keys, KnownHosts known) {
        this(keys, known, 22);
    }

    /** port: tests run a stand-in sshd elsewhere. */
    public GuestSsh(SshKeys keys, KnownHosts known, int port) {
        this(keys, known, port, SshConnections.IDLE);
    }

    /** keepIdle: how long a login is kept for the next session (tests shorten it). */
    GuestSsh(SshKeys keys, KnownHosts known, int port, Duration keepIdle) {
        this.keys = keys;
        this.known = known;
        this.port = port;
        this.connections = new SshConnections(keepIdle);
    }

    public record Result(int exit, String out) {
    }

    /**
     * Waits until the guest's sshd answers with its protocol banner, the deadline passes, or
     * vmmRunning says the VMM is gone (a VMM that died at boot fails the start at once, not
     * minutes later). The host key is banger's own (SshKeys.guestHostKey), already in
     * known_hosts, so there is nothing to learn by logging in: the first login is the
     * user's. Until sshd listens, a probe costs only a refused connect, so it probes
     * often; under emulation a full login would cost the guest most of a second.
     */
    public void awaitReady(String ip, Duration deadline, BooleanSupplier vmmRunning) {
        String[] last = {"no answer"};
        boolean[] vmmGone = {false};
        boolean ended = Poll.until(deadline, Duration.ofMillis(40), () -> {
            if (!vmmRunning.getAsBoolean()) {
                vmmGone[0] = true;
                return true;
            }
            try {
                String banner = banner(ip, port);
                last[0] = "not an SSH banner: " + banner;
                return banner.startsWith("SSH-2.0-");
            } catch (IOException e) {
                last[0] = e.getMessage();
                return false;
            }
        });
        if (vmmGone[0]) {
            throw new FailedPreconditionException("the VM's VMM exited before the guest at " + ip + " answered SSH");
        }
        if (ended) {
            return;
        }
        throw new FailedPreconditionException("the guest at " + ip + " did not answer SSH within " + deadline.toSeconds() + "s ("
                + last[0] + ")");
    }

    /** The first line sshd sends. */
    static String banner(String ip, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 500);
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 255; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    /** What exec keeps of a command's output; the rest is read and dropped (SEC-5: a guest may print for ever). */
    public static final int EXEC_OUTPUT_CAP = 1 << 20;

    /**
     * Runs a command as root; the guest must present the host key banger recorded for it.
     * The whole call, connect included, ends by timeout: a guest trickling a byte now and
     * then cannot hold it (the connection is closed under the read).
     */
    public Result exec(String ip, String command, Duration timeout) throws IOException {
        try (SSHClient c = connect(ip, timeout)) {
            Deadline cut = Deadline.closeAfter(timeout, c);
            try (Session s = c.startSession()) {
                Session.Command cmd = s.exec(command);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                InputStream in = cmd.getInputStream();
                for (int n; (n = in.read(buf)) > 0;) {
                    out.write(buf, 0, Math.max(0, Math.min(n, EXEC_OUTPUT_CAP - out.size())));
                }
                cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
                Integer exit = cmd.getExitStatus();
                return new Result(exit == null ? -1 : exit, out.toString(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                if (cut.expired()) {
                    throw new IOException("ssh " + ip + " did not finish within " + timeout.toSeconds() + "s", e);
                }
                throw e;
            } finally {
                cut.close();
            }
        }
    }

    /**
     * A connection as root for several streamed commands (workspace import and export).
     * readTimeout bounds each wait for the guest's next packet.
     */
    public GuestSession open(String ip, Duration readTimeout) throws IOException {
        SSHClient kept = connections.take(ip);
        if (kept != null) {
            // Kept from an earlier command: if it broke meanwhile, its first command logs in afresh.
            return new GuestSession(kept, () -> connect(ip, readTimeout), c -> connections.giveBack(ip, c));
        }
        return new GuestSession(connect(ip, readTimeout), null, c -> connections.giveBack(ip, c));
    }

    /** The guest at ip stops, restarts or goes: the connection kept to it is closed. */
    public void forget(String ip) {
        if (ip != null) {
            connections.forget(ip);
        }
    }

    /** Closes connections kept idle past their time (SshIdleJob); returns how many stay open. */
    public int closeIdle() {
        return connections.closeIdle();
    }

    public void closeAll() {
        connections.closeAll();
    }

    private SSHClient connect(String ip, Duration timeout) throws IOException {
        SSHClient c = new SSHClient();
        try {
            c.addHostKeyVerifier(verifier());
            c.setConnectTimeout(3000);
            c.setTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.connect(ip, port);
            c.authPublickey("root", c.loadKeys(keys.privateKey().toString()));
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private HostKeyVerifier verifier() {
        return new HostKeyVerifier() {
            @Override
            public boolean verify(String host, int port, PublicKey key) {
                byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
                String type = KeyType.fromKey(key).toString();
                return known.keyFor(host).map(k -> k.equals(type + " "
                        + java.util.Base64.getEncoder().encodeToString(blob))).orElse(false);
            }

            @Override
            public List<String> findExistingAlgorithms(String host, int port) {
                return known.keyFor(host).map(k -> List.of(k.split(" ")[0])).orElse(List.of());
            }
        };
    }
}
