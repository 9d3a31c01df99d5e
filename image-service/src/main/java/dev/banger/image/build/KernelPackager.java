package dev.banger.image.build;

import dev.banger.common.errors.FailedPreconditionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The kernel for an image (IMG-3), from the distribution's kernel package inside its
 * root tree: the bzImage (QEMU), an ELF vmlinux extracted from it (Firecracker), and
 * banger's own small initramfs: busybox plus just the virtio, vsock and virtio console modules,
 * loaded in dependency order, then switch_root to the real root.
 */
public final class KernelPackager {
    /** Load order matters: each needs the ones before it. */
    static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_mmio", "virtio_blk", "failover",
            "net_failover", "virtio_net", "vsock", "vmw_vsock_virtio_transport_common", "vmw_vsock_virtio_transport",
            // the host's control port (banger-control; SNAP-1)
            "virtio_console");

    public record Packaged(String version, Path bzImage, Path vmlinux, Path initrd) {
    }

    private KernelPackager() {
    }

    public static Packaged fromTree(Path baseTar, Path outDir) throws IOException {
        byte[] bzImage = null;
        String version = null;
        byte[] busybox = null;
        Map<String, byte[]> modules = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(baseTar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String path = GuestOverlay.strip(e.getName());
                if (!e.isFile()) {
                    continue;
                }
                if (path.startsWith("boot/vmlinuz-")) {
                    version = path.substring("boot/vmlinuz-".length());
                    bzImage = in.readAllBytes();
                } else if (path.equals("usr/bin/busybox") || path.equals("bin/busybox")) {
                    busybox = in.readAllBytes();
                } else if (path.contains("/modules/") && path.endsWith(".ko")) {
                    String name = path.substring(path.lastIndexOf('/') + 1, path.length() - 3);
                    if (MODULES.contains(name)) {
                        modules.put(name, in.readAllBytes());
                    }
                }
            }
        }
        if (bzImage == null) {
            throw new FailedPreconditionException("the image has no /boot/vmlinuz-*: is linux-image-cloud-amd64 installed?");
        }
        if (busybox == null) {
            throw new FailedPreconditionException("the image has no busybox for the initramfs: is busybox-static installed?");
        }
        Files.createDirectories(outDir);
        Path bz = Files.write(outDir.resolve("bzImage"), bzImage);
        Path elf = outDir.resolve("vmlinux");
        BzImage.extractVmlinux(bzImage, elf);
        Path initrd = Files.write(outDir.resolve("initrd.img"), initramfs(busybox, modules));
        return new Packaged(version, bz, elf, initrd);
    }

    /** A gzip'd newc cpio: /init, /bin/busybox, /dev/console, the modules, mount points. */
    static byte[] initramfs(byte[] busybox, Map<String, byte[]> modules) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz);
                CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(z, CpioConstants.FORMAT_NEW)) {
            for (String dir : List.of("bin", "dev", "proc", "sys", "newroot", "lib", "lib/modules")) {
                entry(cpio, dir, CpioConstants.C_ISDIR | 0755, new byte[0]);
            }
            CpioArchiveEntry console = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, "dev/console");
            console.setMode(CpioConstants.C_ISCHR | 0600);
            console.setRemoteDeviceMaj(5);
            console.setRemoteDeviceMin(1);
            console.setNumberOfLinks(1);
            cpio.putArchiveEntry(console);
            cpio.closeArchiveEntry();
            entry(cpio, "bin/busybox", CpioConstants.C_ISREG | 0755, busybox);
            entry(cpio, "init", CpioConstants.C_ISREG | 0755, initScript().getBytes(StandardCharsets.UTF_8));
            for (String m : MODULES) {
                if (modules.containsKey(m)) {
                    entry(cpio, "lib/modules/" + m + ".ko", CpioConstants.C_ISREG | 0644, modules.get(m));
                }
            }
        }
        return gz.toByteArray();
    }

    static String initScript() {
        return "#!/bin/busybox sh\n"
                + "# banger initramfs: load the virtio/vsock modules, mount root, hand over to its init.\n"
                + "/bin/busybox --install -s /bin\n"
                + "mount -t proc proc /proc\n"
                + "mount -t sysfs sys /sys\n"
                + "mount -t devtmpfs dev /dev\n"
                + "for m in " + String.join(" ", MODULES) + "; do\n"
                + "  [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null\n"
                + "done\n"
                + "root=/dev/vda\n"
                + "opts=ro\n"
                + "init=/sbin/init\n"
                + "for a in $(cat /proc/cmdline); do case $a in root=*) root=${a#root=};; init=*) init=${a#init=};;"
                + " rw) opts=rw;; ro) opts=ro;; esac; done\n"
                + "i=0\n"
                + "while [ ! -b \"$root\" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n"
                + "if ! mount -o \"$opts\" \"$root\" /newroot; then echo \"banger initramfs: cannot mount $root\"; exec sh; fi\n"
                + "umount /proc /sys\n"
                + "mount --move /dev /newroot/dev\n"
                + "exec switch_root /newroot \"$init\"\n";
    }

    private static void entry(CpioArchiveOutputStream cpio, String name, long mode, byte[] data) throws IOException {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
        e.setMode(mode);
        e.setSize(data.length);
        e.setNumberOfLinks((mode & CpioConstants.C_ISDIR) != 0 ? 2 : 1);
        cpio.putArchiveEntry(e);
        cpio.write(data);
        cpio.closeArchiveEntry();
    }
}
