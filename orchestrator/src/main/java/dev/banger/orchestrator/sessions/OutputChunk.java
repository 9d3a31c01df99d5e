package dev.banger.orchestrator.sessions;

import java.util.Base64;

/** The agent's answer to session-output: where the next read starts, the session's state, and the bytes. */
public record OutputChunk(long nextOffset, String state, byte[] data) {
    public static OutputChunk parse(String answer) {
        int nl = answer.indexOf('\n');
        String[] head = (nl < 0 ? answer : answer.substring(0, nl)).split(" ");
        if (head.length != 3) {
            throw new IllegalArgumentException("not a session-output answer: " + answer);
        }
        byte[] data = nl < 0 ? new byte[0] : Base64.getDecoder().decode(answer.substring(nl + 1).strip());
        return new OutputChunk(Long.parseLong(head[0]), head[1], data);
    }

    public boolean ended() {
        return state.equals("exited") || state.equals("lost");
    }
}
