package dev.banger.common.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedTest {
    @TempDir
    Path tmp;

    @Test
    void moreThanAllowedIsRefusedBeforeItIsAllHeld() throws Exception {
        assertArrayEquals(new byte[10], Bounded.read(new ByteArrayInputStream(new byte[10]), 10, "x"));
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        IOException e = assertThrows(IOException.class, () -> Bounded.read(endless, 1 << 20, "a manifest"));
        assertTrue(e.getMessage().contains("a manifest is larger than"), e.getMessage());
        Path out = tmp.resolve("blob");
        assertThrows(IOException.class, () -> Bounded.copy(endless, out, 4 << 20, Duration.ofSeconds(5), "a layer"));
        assertFalse(Files.size(out) > (4 << 20), "never more than the cap on disk");
    }

    @Test
    void aStreamThatStallsIsCut() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket peer = server.accept()) {
            peer.getOutputStream().write(new byte[100]); // some bytes, then silence, the connection left open
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> Bounded.copy(client.getInputStream(),
                    tmp.resolve("b"), 1 << 20, Duration.ofSeconds(2), "a bundle"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 6000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("a bundle sent nothing for 2s"), e.getMessage());
        }
    }
}
