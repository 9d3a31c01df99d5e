package dev.banger.image.rpc;

import dev.banger.common.rpc.Timestamps;
import dev.banger.image.store.ImageRecord;
import dev.banger.image.store.KernelRecord;
import dev.banger.proto.api.v1.Image;
import dev.banger.proto.api.v1.Kernel;
import java.time.Instant;

/** Store records to API messages. */
final class ImageMessages {
    private ImageMessages() {
    }

    static Image toProto(ImageRecord i) {
        Image.Builder b = Image.newBuilder().setId(i.id()).setName(i.name()).setDistro(i.distro()).setArch(i.arch())
                .setRootfsSizeBytes(i.rootfsSizeBytes()).setRootfsSha256(i.rootfsSha256())
                .setCreated(Timestamps.of(i.created())).setRootfsPath(i.rootfsPath());
        if (i.kernelName() != null) {
            b.setKernelRef(i.kernelName());
        }
        if (i.workSeedPath() != null) {
            b.setWorkSeedPath(i.workSeedPath());
        }
        if (i.recipeHash() != null) {
            b.setRecipeHash(i.recipeHash());
        }
        return b.build();
    }

    static Kernel toProto(KernelRecord k) {
        Kernel.Builder b = Kernel.newBuilder().setId(k.id()).setName(k.name()).setCreated(Timestamps.of(k.created()));
        if (k.vmlinuxPath() != null) {
            b.setVmlinuxPath(k.vmlinuxPath());
        }
        if (k.bzImagePath() != null) {
            b.setBzimagePath(k.bzImagePath());
        }
        if (k.initrdPath() != null) {
            b.setInitrdPath(k.initrdPath());
        }
        if (k.modulesPath() != null) {
            b.setModulesPath(k.modulesPath());
        }
        return b.build();
    }

}
