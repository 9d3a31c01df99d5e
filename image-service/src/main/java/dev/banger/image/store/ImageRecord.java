package dev.banger.image.store;

import java.time.Instant;

/** One image: a read-only rootfs, a work seed, the kernel it boots with. */
public record ImageRecord(String id, String name, String distro, String arch, String kernelId, String kernelName,
        String rootfsPath, String workSeedPath, long rootfsSizeBytes, String rootfsSha256, String recipeHash,
        String source, Instant created) {
}
