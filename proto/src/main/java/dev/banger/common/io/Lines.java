package dev.banger.common.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * One line of a byte stream, bounded, for the protocols banger speaks a line at a time
 * (QMP, the guest agent's, the guest's control port, Firecracker's vsock handshake): a peer
 * that never ends its line cannot make the reader hold more than max bytes.
 */
public final class Lines {
    private Lines() {
    }

    /** The next line without its newline, stripped; an error at end of input or past max bytes. */
    public static String read(InputStream in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed before the end of a line");
            }
            if (b.size() >= max) {
                throw new IOException("a line longer than " + max + " bytes");
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8).strip();
    }
}
