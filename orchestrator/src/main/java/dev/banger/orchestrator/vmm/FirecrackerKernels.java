package dev.banger.orchestrator.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a kernel can boot under Firecracker, which describes its virtio-mmio devices
 * on the kernel command line: only a kernel with virtio_mmio built in and
 * CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES has the "virtio_mmio.device" parameter, whose
 * name is then stored in the vmlinux. Debian's cloud kernel (virtio_mmio a module)
 * has not. One scan per file, remembered.
 */
public final class FirecrackerKernels {
    private static final byte[] PARAM = "virtio_mmio.device\0".getBytes(StandardCharsets.US_ASCII);
    private final Map<Path, Boolean> seen = new ConcurrentHashMap<>();

    public boolean fits(Path vmlinux) {
        if (vmlinux == null || !Files.isRegularFile(vmlinux)) {
            return false;
        }
        return seen.computeIfAbsent(vmlinux, FirecrackerKernels::hasCmdlineDevices);
    }

    static boolean hasCmdlineDevices(Path vmlinux) {
        try (InputStream in = Files.newInputStream(vmlinux)) {
            return contains(in, PARAM);
        } catch (IOException e) {
            return false;
        }
    }

    /** Streaming search with the needle's tail carried across reads. */
    static boolean contains(InputStream in, byte[] needle) throws IOException {
        byte[] buf = new byte[(1 << 20) + needle.length];
        int carry = 0;
        for (int n = in.read(buf, carry, buf.length - carry); n > 0; n = in.read(buf, carry, buf.length - carry)) {
            int len = carry + n;
            outer:
            for (int i = 0; i + needle.length <= len; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (buf[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            carry = Math.min(needle.length - 1, len);
            System.arraycopy(buf, len - carry, buf, 0, carry);
        }
        return false;
    }
}
