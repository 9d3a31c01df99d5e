package dev.banger.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The agent protocol's framing (version 2). A request is one line of at most
 * {@link #MAX_REQUEST} bytes, {@code TOKEN VERB [ARGUMENT]}. An answer is either
 * {@code ok LENGTH\n} followed by exactly LENGTH bytes of UTF-8 (at most
 * {@link #MAX_ANSWER}), or one line {@code error KIND MESSAGE\n} (kinds in {@link Answer}). Nothing is read or
 * written without a bound.
 */
final class Frames {
    static final int MAX_REQUEST = 4096;
    static final int MAX_ANSWER = 1 << 20;

    private Frames() {
    }

    /** One request line without its newline; null at a clean end of stream. */
    static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read();; c = in.read()) {
            if (c < 0) {
                if (b.size() == 0) {
                    return null;
                }
                throw new IOException("the request ended without a newline");
            }
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
            if (b.size() >= MAX_REQUEST) {
                throw new FrameTooLong("request longer than " + MAX_REQUEST + " bytes");
            }
            b.write(c);
        }
    }

    static void writeOk(OutputStream out, String payload) throws IOException {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        if (data.length > MAX_ANSWER) {
            writeError(out, "failed answer larger than " + MAX_ANSWER + " bytes");
            return;
        }
        out.write(("ok " + data.length + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.flush();
    }

    static void writeError(OutputStream out, String message) throws IOException {
        out.write(("error " + message.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static final class FrameTooLong extends IOException {
        FrameTooLong(String message) {
            super(message);
        }
    }
}
