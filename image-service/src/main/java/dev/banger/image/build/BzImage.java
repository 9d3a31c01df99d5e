package dev.banger.image.build;

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

    public static byte[] extractVmlinux(byte[] bz) {
        ByteBuffer b = ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN);
        if (bz.length < 0x250 || b.getInt(0x202) != 0x53726448) { // "HdrS"
            throw new IllegalArgumentException("not a bzImage (no HdrS boot header)");
        }
        int protocol = b.getShort(0x206) & 0xffff;
        if (protocol < 0x208) {
            throw new IllegalArgumentException("boot protocol " + Integer.toHexString(protocol) + " has no payload fields");
        }
        int setupSects = bz[0x1f1] & 0xff;
        int start = ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
        int offset = start + b.getInt(0x248);
        int length = b.getInt(0x24c);
        if (offset < 0 || length <= 0 || offset + length > bz.length) {
            throw new IllegalArgumentException("bzImage payload lies outside the file");
        }
        byte[] elf;
        if (Lz4Legacy.isLz4Legacy(bz, offset)) {
            elf = Lz4Legacy.decode(bz, offset, length);
        } else {
            throw new IllegalArgumentException("bzImage payload compression not supported (only LZ4, as Debian uses)");
        }
        if (elf.length < 4 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new IllegalArgumentException("decompressed payload is not an ELF vmlinux");
        }
        return elf;
    }
}
