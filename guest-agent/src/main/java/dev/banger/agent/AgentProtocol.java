package dev.banger.agent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The agent's requests: each is {@code TOKEN VERB}, answered with a payload or an error
 * (framing in {@link Frames}). The token is the per-VM secret the host wrote into the
 * VM's config; on QEMU's network link it is what stops anything else on the bridge from
 * talking to the agent. Verbs: {@code version} (the protocol version), {@code ping} (the
 * boot id), {@code ports} ({@link Listeners}), {@code stats} ({@link GuestStats}) and the
 * {@code session-*} verbs ({@link Sessions}), whose text arguments travel as base64.
 */
final class AgentProtocol {
    static final String UNAUTHORIZED = "unauthorized";
    private final Supplier<String> token;
    private final Supplier<String> bootId;
    private final Path proc;
    private final Sessions sessions;

    AgentProtocol(String token, Supplier<String> bootId, Path proc, Sessions sessions) {
        this(() -> token, bootId, proc, sessions);
    }

    /** token: asked at every request (TokenFile: a restored VM's new token takes effect at once). */
    AgentProtocol(Supplier<String> token, Supplier<String> bootId, Path proc, Sessions sessions) {
        this.sessions = sessions;
        if (expected(token).length == 0) {
            throw new IllegalArgumentException("the agent token is empty");
        }
        this.token = token;
        this.bootId = bootId;
        this.proc = proc;
    }

    private static byte[] expected(Supplier<String> token) {
        String t = token.get();
        return t == null ? new byte[0] : t.strip().getBytes(StandardCharsets.UTF_8);
    }

    /** Answers one request line; never throws for bad input. */
    Answer handle(String line) {
        if (line == null) {
            return Answer.error("bad-request", "empty request");
        }
        int space = line.indexOf(' ');
        String given = space < 0 ? line : line.substring(0, space);
        String verb = space < 0 ? "" : line.substring(space + 1).strip();
        // Constant-time comparison: the answer's timing must not leak the token.
        byte[] expected;
        try {
            expected = expected(token);
        } catch (RuntimeException unreadable) {
            return Answer.error("failed", "the agent cannot read its token: " + unreadable.getMessage());
        }
        if (expected.length == 0 || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            return Answer.error(UNAUTHORIZED, "wrong token");
        }
        String[] args = verb.split(" ");
        try {
            switch (args[0]) {
                case "ping":
                    return Answer.ok(bootId.get());
                case "version":
                    return Answer.ok(GuestAgent.VERSION);
                case "ports":
                    return Answer.ok(new Listeners(proc).describe());
                case "stats":
                    return Answer.ok(new GuestStats(proc).describe());
                case "session-start":
                    requireArgs(args, 4);
                    return Answer.ok(sessions.start(args[1], text(args[2]), text(args[3])));
                case "session-list":
                    return Answer.ok(sessions.list());
                case "session-stop":
                    requireArgs(args, 2);
                    return Answer.ok(sessions.stop(args[1], 5_000));
                case "session-output":
                    requireArgs(args, 3);
                    return Answer.ok(sessions.output(args[1], Long.parseLong(args[2])));
                case "session-write":
                    requireArgs(args, 3);
                    return Answer.ok(sessions.write(args[1], Base64.getDecoder().decode(args[2])));
                default:
                    return Answer.error("bad-request", "unknown verb '" + args[0] + "'");
            }
        } catch (java.util.NoSuchElementException e) {
            return Answer.error("not-found", e.getMessage());
        } catch (IllegalArgumentException e) {
            return Answer.error("bad-request", e.getMessage());
        } catch (IllegalStateException e) {
            return Answer.error("conflict", e.getMessage());
        } catch (Exception e) {
            return Answer.error("failed", args[0] + " failed: " + e);
        }
    }

    private static void requireArgs(String[] args, int n) {
        if (args.length != n) {
            throw new IllegalArgumentException(args[0] + " takes " + (n - 1) + " argument(s)");
        }
    }

    private static String text(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
