package dev.banger.orchestrator.vmm;

import dev.banger.common.io.Lines;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A connection to a port of a Firecracker guest's vsock, through the Unix socket in the
 * VM's directory and Firecracker's hybrid handshake: {@code CONNECT PORT\n}, answered
 * {@code OK HOSTPORT\n}. A Unix socket channel has no read timeout: callers bound their
 * reads by closing the channel (Deadline, a watchdog).
 */
public record HybridVsock(SocketChannel channel, InputStream in, OutputStream out) implements java.io.Closeable {

    /** The Unix socket, connected; {@link #connect} then asks for a guest port. */
    public static HybridVsock open(Path udsPath) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(udsPath));
            return new HybridVsock(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The handshake for the guest's port; afterwards in and out are that connection's. */
    public HybridVsock connect(int port) throws IOException {
        out.write(("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII));
        String ack = Lines.read(in, 4096);
        if (!ack.startsWith("OK ")) {
            throw new IOException("Firecracker refused the vsock connection to port " + port + ": '" + ack + "'");
        }
        return this;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
