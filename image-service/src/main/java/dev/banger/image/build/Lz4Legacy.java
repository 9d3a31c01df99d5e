package dev.banger.image.build;

import dev.banger.common.errors.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;

/**
 * Decodes the LZ4 "legacy" frame the Linux kernel uses for its compressed payload
 * (magic 0x184C2102, then blocks each prefixed by a 4-byte little-endian size). The
 * kernel build appends the uncompressed size after the last block; a size that does
 * not fit what is left marks that end.
 */
public final class Lz4Legacy {
    static final int MAGIC = 0x184C2102;
    private static final int MAX_BLOCK = 8 << 20;

    private Lz4Legacy() {
    }

    public static boolean isLz4Legacy(byte[] data, int offset) {
        return data.length >= offset + 4
                && ByteBuffer.wrap(data, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == MAGIC;
    }

    public static byte[] decode(byte[] data, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        decode(data, offset, length, out);
        return out.toByteArray();
    }

    /** Streams the decoded bytes: a kernel decodes to ~50 MB, which need not sit in memory. */
    public static void decode(byte[] data, int offset, int length, java.io.OutputStream out) {
        ByteBuffer in = ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4 || in.getInt() != MAGIC) {
            throw new InvalidArgumentException("not an LZ4 legacy frame");
        }
        while (in.remaining() >= 4) {
            int size = in.getInt();
            if (size == MAGIC) {
                continue; // concatenated frames
            }
            if (size <= 0 || size > MAX_BLOCK || size > in.remaining()) {
                break; // the appended uncompressed size, or padding
            }
            byte[] block = new byte[size];
            in.get(block);
            try (BlockLZ4CompressorInputStream d = new BlockLZ4CompressorInputStream(new ByteArrayInputStream(block))) {
                d.transferTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException("corrupt LZ4 block", e);
            }
        }
    }
}
