package dev.banger.image.build;

import dev.banger.common.errors.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An x86 bzImage: finds its compressed payload from the boot header
 * (setup_sects at 0x1F1, payload_offset/length at 0x248, boot protocol >= 2.08)
 * and decompresses it into the ELF vmlinux Firecracker boots (IMG-3).
 */
public final class BzImage {
    private BzImage() {
    }

    /** Writes the vmlinux to a file (streamed: it is ~50 MB). */
    public static void extractVmlinux(byte[] bz, java.nio.file.Path out) throws java.io.IOException {
        Payload p = payload(bz);
        try (java.io.OutputStream o = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(out))) {
            Lz4Legacy.decode(bz, p.offset, p.length, o);
        }
        byte[] head = new byte[4];
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(out)) {
            if (in.readNBytes(head, 0, 4) != 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
                java.nio.file.Files.deleteIfExists(out);
                throw new InvalidArgumentException("decompressed payload is not an ELF vmlinux");
            }
        }
    }

    private record Payload(int offset, int length) {
    }

    private static Payload payload(byte[] bz) {
        ByteBuffer b = ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN);
        if (bz.length < 0x250 || b.getInt(0x202) != 0x53726448) { // "HdrS"
            throw new InvalidArgumentException("not a bzImage (no HdrS boot header)");
        }
        int protocol = b.getShort(0x206) & 0xffff;
        if (protocol < 0x208) {
            throw new InvalidArgumentException("boot protocol " + Integer.toHexString(protocol) + " has no payload fields");
        }
        int setupSects = bz[0x1f1] & 0xff;
        int start = ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
        int offset = start + b.getInt(0x248);
        int length = b.getInt(0x24c);
        if (offset < 0 || length <= 0 || offset + length > bz.length) {
            throw new InvalidArgumentException("bzImage payload lies outside the file");
        }
        if (!Lz4Legacy.isLz4Legacy(bz, offset)) {
            throw new InvalidArgumentException("bzImage payload compression not supported (only LZ4, as Debian uses)");
        }
        return new Payload(offset, length);
    }
}
