package dev.banger.orchestrator.image;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import dev.banger.common.errors.Reason;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.orchestrator.store.VmStore;
import dev.banger.orchestrator.system.InternalServices;
import dev.banger.proto.api.v1.BuildImageRequest;
import dev.banger.proto.api.v1.BundleRequest;
import dev.banger.proto.api.v1.BundleResponse;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.DeleteResponse;
import dev.banger.proto.api.v1.ImageEvent;
import dev.banger.proto.api.v1.Image;
import dev.banger.proto.api.v1.ImagesGrpc;
import dev.banger.proto.api.v1.MutinyImagesGrpc;
import dev.banger.proto.api.v1.ListImagesRequest;
import dev.banger.proto.api.v1.ListImagesResponse;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.proto.api.v1.RegisterImageRequest;
import dev.banger.common.rpc.Rpc;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The public Images API: forwarded to the image service, except that deleting an
 * image some VM still uses is refused here, where the VMs are known (IMG-6).
 */
@Singleton
public class ImagesForwarder extends MutinyImagesGrpc.ImagesImplBase {
    private final InternalServices internal;
    private final VmStore vms;
    private final dev.banger.orchestrator.lifecycle.VmLifecycle lifecycle;

    public ImagesForwarder(InternalServices internal, VmStore vms, dev.banger.orchestrator.lifecycle.VmLifecycle lifecycle) {
        this.internal = internal;
        this.vms = vms;
        this.lifecycle = lifecycle;
    }

    private ImagesGrpc.ImagesBlockingStub images(long timeoutSeconds) {
        return ImagesGrpc.newBlockingStub(internal.channel("image")).withDeadlineAfter(timeoutSeconds,
                TimeUnit.SECONDS);
    }

    /** Long: a first build bootstraps Debian. Progress is passed on as it comes. */
    @Override
    public Multi<ImageEvent> build(BuildImageRequest request) {
        return Rpc.forward(() -> images(45 * 60).build(request));
    }

    @Override
    public Multi<ImageEvent> pull(PullRequest request) {
        return Rpc.forward(() -> images(45 * 60).pull(request));
    }

    @Override
    public Uni<BundleResponse> bundle(BundleRequest request) {
        return Rpc.unary(() -> images(30 * 60).bundle(request));
    }

    @Override
    public Uni<ListImagesResponse> list(ListImagesRequest request) {
        return Rpc.unary(() -> images(30).list(request));
    }

    @Override
    public Uni<Image> get(NameRef request) {
        return Rpc.unary(() -> images(30).get(request));
    }

    @Override
    public Uni<Image> register(RegisterImageRequest request) {
        return Rpc.unary(() -> images(600).register(request));
    }

    @Override
    public Uni<DeleteResponse> delete(NameRef request) {
        // Checked and deleted while no create runs: a create cannot take the image in between.
        return Rpc.unary(() -> lifecycle.withNoCreate(() -> {
            Image image = images(30).get(request);
            List<String> users = vms.namesUsingImage(image.getId());
            if (!users.isEmpty()) {
                throw new FailedPreconditionException(Reason.IMAGE_IN_USE, "image " + image.getName() + " is used by VM(s) "
                        + String.join(", ", users) + "; delete them first");
            }
            return images(60).delete(NameRef.newBuilder().setRef(image.getId()).build());
        }));
    }
}
