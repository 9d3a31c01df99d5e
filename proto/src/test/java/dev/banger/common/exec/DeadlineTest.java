package dev.banger.common.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    @Test
    void aReadThatNeverEndsIsCutAtTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket silent = server.accept()) {
            long started = System.nanoTime();
            try (Deadline d = Deadline.closeAfter(Duration.ofMillis(200), client)) {
                InputStream in = client.getInputStream();
                IOException e = assertThrows(IOException.class, in::read);
                assertTrue(d.expired());
                assertEquals("peer went silent", d.explain(e, "peer went silent").getMessage());
            }
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void workDoneInTimeIsLeftAlone() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        Deadline d = Deadline.closeAfter(Duration.ofMillis(100), () -> closed.set(true));
        d.close();
        Thread.sleep(300);
        assertFalse(closed.get());
        assertFalse(d.expired());
        IOException e = new IOException("broken");
        assertEquals(e, d.explain(e, "too slow"), "not expired: the failure is the work's own");
    }

    @Test
    void anIdleWatchClosesOnlyOnceItsConditionHolds() throws Exception {
        AtomicBoolean stalled = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        try (Deadline d = Deadline.closeWhen(stalled::get, Duration.ofMillis(20), () -> closed.set(true))) {
            Thread.sleep(150);
            assertFalse(closed.get());
            stalled.set(true);
            assertTrue(Poll.until(Duration.ofSeconds(5), Duration.ofMillis(10), closed::get));
            assertTrue(d.expired());
        }
    }
}
