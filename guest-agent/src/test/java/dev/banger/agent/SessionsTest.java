package dev.banger.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WS-3's guest side with the real supervisor script, run here as the guest runs it. */
class SessionsTest {
    static final Path SUPERVISOR = Path.of("../image-service/src/main/resources/guest/usr/local/sbin/banger-session")
            .toAbsolutePath().normalize();
    @TempDir
    Path tmp;
    Sessions sessions;

    Sessions sessions() {
        sessions = new Sessions(tmp.resolve("sessions"), List.of("setsid", "-f", "sh", SUPERVISOR.toString()));
        return sessions;
    }

    @AfterEach
    void stopAll() throws Exception {
        for (String line : sessions.list().split("\n")) {
            if (line.contains(" running ")) {
                sessions.stop(line.split(" ")[0], 1000);
            }
        }
    }

    static String output(Sessions s, String name) throws Exception {
        String answer = s.output(name, 0);
        return new String(Base64.getDecoder().decode(answer.substring(answer.indexOf('\n') + 1)), StandardCharsets.UTF_8);
    }

    @Test
    void aSessionRunsDetachedIsListedAndStopsWithItsStatus() throws Exception {
        Sessions s = sessions();
        String started = s.start("counter", tmp.toString(), "i=0; while true; do echo $i; i=$((i+1)); sleep 0.1; done");
        assertTrue(started.startsWith("counter running - "), started);
        Thread.sleep(600);
        String out = output(s, "counter");
        assertTrue(out.startsWith("0\n1\n2\n"), out);
        assertTrue(s.list().startsWith("counter running - "), s.list());
        String stopped = s.stop("counter", 2000);
        assertTrue(stopped.startsWith("counter exited 143 "), stopped); // 128 + SIGTERM
        assertThrows(java.util.NoSuchElementException.class, () -> s.output("nobody", 0));
    }

    @Test
    void stdinReachesTheCommandAndOffsetsResume() throws Exception {
        Sessions s = sessions();
        s.start("echoer", tmp.toString(), "while read line; do echo \"got:$line\"; done");
        Thread.sleep(300);
        s.write("echoer", "one\n".getBytes(StandardCharsets.UTF_8));
        s.write("echoer", "two\n".getBytes(StandardCharsets.UTF_8));
        Thread.sleep(500);
        String first = s.output("echoer", 0);
        assertTrue(first.startsWith("16 running -\n"), first);
        assertEquals("got:one\ngot:two\n", output(s, "echoer"));
        String rest = s.output("echoer", 16);
        assertEquals("16 running -\n", rest, "nothing new after the offset");
    }

    @Test
    void theCommandRunsInItsDirectoryAndAnEndedNameCanBeUsedAgain() throws Exception {
        Sessions s = sessions();
        Path work = Files.createDirectories(tmp.resolve("repo"));
        s.start("once", work.toString(), "pwd; exit 3");
        for (int i = 0; i < 50 && !s.list().contains(" exited "); i++) {
            Thread.sleep(100);
        }
        assertTrue(s.list().startsWith("once exited 3 "), s.list());
        assertEquals(work + "\n", output(s, "once"));
        s.start("once", work.toString(), "echo again");
        Thread.sleep(500);
        assertEquals("again\n", output(s, "once"));
    }

    @Test
    void badNamesMissingDirectoriesAndARunningNameAreRefused() throws Exception {
        Sessions s = sessions();
        assertThrows(IllegalArgumentException.class, () -> s.start("../evil", tmp.toString(), "true"));
        assertThrows(IllegalArgumentException.class, () -> s.start("ok", tmp.resolve("absent").toString(), "true"));
        s.start("busy", tmp.toString(), "sleep 30");
        assertThrows(IllegalStateException.class, () -> s.start("busy", tmp.toString(), "true"));
    }

    @Test
    void outputOverTheCapKeepsItsTailAndOffsetsStayLogical() throws Exception {
        Sessions s = sessions();
        s.start("loud", tmp.toString(), "head -c 9000000 /dev/zero | tr '\\0' 'x'; echo; echo END");
        for (int i = 0; i < 100 && !s.list().contains(" exited "); i++) {
            Thread.sleep(100);
        }
        s.capOutputs();
        Path out = tmp.resolve("sessions/loud/output");
        assertEquals(Sessions.KEPT_AFTER_TRIM, Files.size(out));
        String answer = s.output("loud", 9_000_000);
        assertTrue(answer.startsWith("9000005 exited 0\n"), answer);
        assertTrue(new String(Base64.getDecoder().decode(answer.substring(answer.indexOf('\n') + 1))).endsWith("\nEND\n"));
    }

    @Test
    void aSessionStoppedTheMomentItStartedStopsAndSaysSo() throws Exception {
        // CI once stopped a session before its command had a process group: kill failed.
        Sessions s = sessions();
        for (int i = 0; i < 10; i++) {
            s.start("quick", tmp.toString(), "sleep 30");
            String stopped = s.stop("quick", 2000);
            assertTrue(stopped.startsWith("quick exited 143 "), stopped);
        }
    }
}
