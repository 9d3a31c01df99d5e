package dev.banger.orchestrator.sessions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.errors.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The host's reading of the agent's session answers (protocol 2). */
class GuestSessionTest {
    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void listLinesBecomeSessionsAndJunkIsSkipped() {
        List<GuestSession> all = GuestSession.parse("build running - 1796201538513 " + b64("/root/repo") + " "
                + b64("'make' '-j4'") + "\nold exited 143 1796201500000 " + b64("/root") + " " + b64("sleep 9")
                + "\nnot a session line\n");
        assertEquals(2, all.size());
        assertEquals("build", all.get(0).name());
        assertEquals(OptionalInt.empty(), all.get(0).exitCode());
        assertEquals("/root/repo", all.get(0).cwd());
        assertEquals("'make' '-j4'", all.get(0).command());
        assertEquals(OptionalInt.of(143), all.get(1).exitCode());
        assertTrue(all.get(1).ended());
    }

    @Test
    void outputChunksCarryTheNextOffsetAndTheirBytes() {
        OutputChunk c = OutputChunk.parse("16 running -\n" + Base64.getEncoder().encodeToString(new byte[] {0, 1, -1}));
        assertEquals(16, c.nextOffset());
        assertArrayEquals(new byte[] {0, 1, -1}, c.data());
        assertTrue(OutputChunk.parse("3 lost -\n").ended());
        assertThrows(IllegalArgumentException.class, () -> OutputChunk.parse("garbage"));
    }

    @Test
    void sessionNamesAreCheckedBeforeAnythingReachesTheGuest() {
        assertEquals("build-2", VmSessions.requireName("build-2"));
        for (String bad : new String[] {"", "../x", "A", "a b", "x".repeat(33), "-lead"}) {
            assertThrows(InvalidArgumentException.class, () -> VmSessions.requireName(bad), bad);
        }
    }
}
