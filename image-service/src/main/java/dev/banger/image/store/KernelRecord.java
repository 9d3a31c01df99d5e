package dev.banger.image.store;

import java.time.Instant;

/** One kernel: a bzImage for QEMU and/or an ELF vmlinux for Firecracker, with its initrd and modules. */
public record KernelRecord(String id, String name, String vmlinuxPath, String bzImagePath, String initrdPath,
        String modulesPath, String source, Instant created) {
}
