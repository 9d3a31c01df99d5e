package dev.banger.orchestrator.vmm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Firecracker that accepts and never answers (SIGSTOPped) costs a request its deadline, not for ever. */
class FirecrackerApiDeadlineTest {
    @TempDir
    Path tmp;

    @Test
    void aWedgedFirecrackerIsCutAtTheDeadline() throws Exception {
        Path socket = tmp.resolve("fc.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            FirecrackerApi api = new FirecrackerApi(socket, Duration.ofMillis(500));
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, api::sendCtrlAltDel);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        }
    }
}
