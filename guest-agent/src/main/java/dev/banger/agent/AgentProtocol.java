package dev.banger.agent;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The agent's requests: each is {@code TOKEN VERB}, answered with a payload or an error
 * (framing in {@link Frames}). The token is the per-VM secret the host wrote into the
 * VM's config; on QEMU's network link it is what stops anything else on the bridge from
 * talking to the agent. Verbs: {@code version} (the protocol version), {@code ping} (the
 * boot id), {@code ports} ({@link Listeners}), {@code stats} ({@link GuestStats}).
 */
final class AgentProtocol {
    static final String UNAUTHORIZED = "unauthorized";
    private final byte[] token;
    private final Supplier<String> bootId;
    private final Path proc;

    AgentProtocol(String token, Supplier<String> bootId, Path proc) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the agent token is empty");
        }
        this.token = token.strip().getBytes(StandardCharsets.UTF_8);
        this.bootId = bootId;
        this.proc = proc;
    }

    /** Answers one request line; never throws for bad input. */
    Answer handle(String line) {
        if (line == null) {
            return Answer.error("empty request");
        }
        int space = line.indexOf(' ');
        String given = space < 0 ? line : line.substring(0, space);
        String verb = space < 0 ? "" : line.substring(space + 1).strip();
        // Constant-time comparison: the answer's timing must not leak the token.
        if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            return Answer.error(UNAUTHORIZED);
        }
        try {
            switch (verb) {
                case "ping":
                    return Answer.ok(bootId.get());
                case "version":
                    return Answer.ok(GuestAgent.VERSION);
                case "ports":
                    return Answer.ok(new Listeners(proc).describe());
                case "stats":
                    return Answer.ok(new GuestStats(proc).describe());
                default:
                    return Answer.error("unknown verb '" + verb + "'");
            }
        } catch (Exception e) {
            return Answer.error(verb + " failed: " + e);
        }
    }
}
