package dev.banger.orchestrator.sessions;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;

/** One session as the guest agent describes it: {@code NAME STATE EXIT STARTED_MILLIS CWD_B64 COMMAND_B64}. */
public record GuestSession(String name, String state, OptionalInt exitCode, Instant started, String cwd, String command) {
    public static List<GuestSession> parse(String agentAnswer) {
        List<GuestSession> out = new ArrayList<>();
        for (String line : agentAnswer.split("\n")) {
            String[] f = line.split(" ");
            if (f.length != 6) {
                continue;
            }
            try {
                out.add(new GuestSession(f[0], f[1], f[2].equals("-") ? OptionalInt.empty()
                        : OptionalInt.of(Integer.parseInt(f[2])), Instant.ofEpochMilli(Long.parseLong(f[3])), text(f[4]),
                        text(f[5])));
            } catch (IllegalArgumentException e) {
                // not a session line
            }
        }
        return out;
    }

    public boolean ended() {
        return state.equals("exited") || state.equals("lost");
    }

    private static String text(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
