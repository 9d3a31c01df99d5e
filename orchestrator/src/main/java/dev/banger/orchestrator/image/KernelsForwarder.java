package dev.banger.orchestrator.image;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import dev.banger.orchestrator.system.InternalServices;
import dev.banger.proto.api.v1.DeleteResponse;
import dev.banger.proto.api.v1.ImageEvent;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.ImportKernelRequest;
import dev.banger.proto.api.v1.Kernel;
import dev.banger.proto.api.v1.KernelsGrpc;
import dev.banger.proto.api.v1.MutinyKernelsGrpc;
import dev.banger.proto.api.v1.ListKernelsRequest;
import dev.banger.proto.api.v1.ListKernelsResponse;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.common.rpc.Rpc;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/** The public Kernels API, forwarded to the image service. */
@Singleton
public class KernelsForwarder extends MutinyKernelsGrpc.KernelsImplBase {
    private final InternalServices internal;

    public KernelsForwarder(InternalServices internal) {
        this.internal = internal;
    }

    private KernelsGrpc.KernelsBlockingStub kernels(long timeoutSeconds) {
        return KernelsGrpc.newBlockingStub(internal.channel("image")).withDeadlineAfter(timeoutSeconds,
                TimeUnit.SECONDS);
    }

    @Override
    public Uni<Kernel> import_(ImportKernelRequest request) {
        return Rpc.unary(() -> kernels(600).import_(request));
    }

    @Override
    public Multi<ImageEvent> pull(PullRequest request) {
        return Rpc.forward(() -> kernels(45 * 60).pull(request));
    }

    @Override
    public Uni<ListKernelsResponse> list(ListKernelsRequest request) {
        return Rpc.unary(() -> kernels(30).list(request));
    }

    @Override
    public Uni<Kernel> get(NameRef request) {
        return Rpc.unary(() -> kernels(30).get(request));
    }

    @Override
    public Uni<DeleteResponse> delete(NameRef request) {
        return Rpc.unary(() -> kernels(60).delete(request));
    }
}
