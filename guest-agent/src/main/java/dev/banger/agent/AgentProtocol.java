package dev.banger.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The agent's line protocol: each request is {@code TOKEN VERB}, each answer one
 * line starting with {@code ok} or {@code error}. The token is the per-VM secret
 * the host wrote into the VM's config; on QEMU's network link it is what stops
 * anything else on the bridge from talking to the agent.
 */
final class AgentProtocol {
    private final byte[] token;
    private final Supplier<String> bootId;

    AgentProtocol(String token, Supplier<String> bootId) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the agent token is empty");
        }
        this.token = token.strip().getBytes(StandardCharsets.UTF_8);
        this.bootId = bootId;
    }

    /** Answers one request line; never throws for bad input. */
    String handle(String line) {
        if (line == null) {
            return "error empty request";
        }
        int space = line.indexOf(' ');
        String given = space < 0 ? line : line.substring(0, space);
        String verb = space < 0 ? "" : line.substring(space + 1).strip();
        // Constant-time comparison: the answer's timing must not leak the token.
        if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            return "error unauthorized";
        }
        switch (verb) {
            case "ping":
                return "ok " + bootId.get();
            case "version":
                return "ok " + GuestAgent.VERSION;
            default:
                return "error unknown verb '" + verb + "'";
        }
    }
}
