package dev.banger.orchestrator.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.banger.common.exec.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's SSH logins to a guest, against a real SSH server (Apache MINA SSHD) that
 * counts them: a login is kept for the next session, and given up whenever it could lead
 * somewhere wrong (the guest forgotten, a command cut short) or broke meanwhile.
 */
class GuestSshConnectionsTest {
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final Duration KEEP_IDLE = Duration.ofMillis(800);
    @TempDir
    Path tmp;
    SshServer server;
    GuestSsh ssh;
    final AtomicInteger logins = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(tmp.resolve("host-key"));
        hostKeys.setAlgorithm("EC");
        server.setKeyPairProvider(hostKeys);
        server.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
        server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                logins.incrementAndGet();
            }
        });
        server.start();

        SshKeys keys = new SshKeys(tmp.resolve("state"), new ProcessRunner());
        keys.publicKey(); // banger's own key pair, as the daemon makes it
        KnownHosts known = new KnownHosts(keys.knownHosts());
        KeyPair hostKey = hostKeys.loadKeys(null).iterator().next();
        known.replace(List.of("127.0.0.1"), KeyType.fromKey(hostKey.getPublic()).toString(),
                new Buffer.PlainBuffer().putPublicKey(hostKey.getPublic()).getCompactData());
        ssh = new GuestSsh(keys, known, server.getPort(), KEEP_IDLE);
    }

    @AfterEach
    void tearDown() throws IOException {
        ssh.closeAll();
        server.stop(true);
    }

    private String run(String command) throws IOException {
        try (GuestSession s = ssh.open("127.0.0.1", WITHIN)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            GuestShell.Outcome o = s.run(command, null, out, 1 << 20, WITHIN);
            return o.exit() + " " + out.toString(StandardCharsets.UTF_8).strip();
        }
    }

    @Test
    void aSecondSessionUsesTheFirstOnesLogin() throws IOException {
        assertEquals("0 one", run("echo one"));
        assertEquals("3 two", run("echo two; exit 3"));
        assertEquals("0 three", run("echo three"));
        assertEquals(1, logins.get(), "one login for three sessions (a command's own exit status is no failure)");
    }

    @Test
    void aLoginUnusedForLongerThanItsBoundIsClosedAndTheNextSessionLogsInAgain() throws Exception {
        run("true");
        assertEquals(1, ssh.closeIdle(), "kept while fresh");
        Thread.sleep(KEEP_IDLE.toMillis() + 400);
        assertEquals(0, ssh.closeIdle(), "closed once idle too long (the idle job's call)");
        org.junit.jupiter.api.Assertions.assertTrue(waitForNoSessions(), "the server saw the connection end");
        assertEquals("0 later", run("echo later"));
        assertEquals(2, logins.get());
    }

    @Test
    void aStaleLoginIsNotReusedEvenBeforeTheIdleJobRuns() throws Exception {
        run("true");
        Thread.sleep(KEEP_IDLE.toMillis() + 400);
        assertEquals("0 fresh", run("echo fresh"));
        assertEquals(2, logins.get(), "the stale one was closed at take, a new login made");
    }

    private boolean waitForNoSessions() throws InterruptedException {
        for (int i = 0; i < 50 && !server.getActiveSessions().isEmpty(); i++) {
            Thread.sleep(100);
        }
        return server.getActiveSessions().isEmpty();
    }

    @Test
    void aForgottenGuestIsLoggedInToAfresh() throws IOException {
        run("true");
        ssh.forget("127.0.0.1");
        assertEquals("0 again", run("echo again"));
        assertEquals(2, logins.get());
    }

    @Test
    void aKeptLoginThatBrokeIsReplacedWithoutAnErrorForTheCaller() throws IOException {
        run("true");
        for (var session : server.getActiveSessions()) {
            session.close(true); // the guest's sshd went away (a reboot, say)
        }
        assertEquals("0 after", run("echo after"));
        assertEquals(2, logins.get());
    }

    @Test
    void aCommandCutShortByItsDeadlineTakesItsLoginWithIt() throws IOException {
        try (GuestSession s = ssh.open("127.0.0.1", WITHIN)) {
            org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> s.run("sleep 30", null, null, 1 << 20, Duration.ofMillis(500)));
        }
        assertEquals("0 next", run("echo next"));
        assertEquals(2, logins.get(), "not kept: what the cut command left on it is unknown");
    }
}
