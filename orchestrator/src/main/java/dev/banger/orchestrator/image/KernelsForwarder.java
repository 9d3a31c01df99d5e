package dev.banger.orchestrator.image;

import dev.banger.orchestrator.system.InternalServices;
import dev.banger.proto.api.v1.DeleteResponse;
import dev.banger.proto.api.v1.ImageEvent;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.ImportKernelRequest;
import dev.banger.proto.api.v1.Kernel;
import dev.banger.proto.api.v1.KernelsGrpc;
import dev.banger.proto.api.v1.ListKernelsRequest;
import dev.banger.proto.api.v1.ListKernelsResponse;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.rpc.Rpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/** The public Kernels API, forwarded to the image service. */
@Singleton
public class KernelsForwarder extends KernelsGrpc.KernelsImplBase {
    private final InternalServices internal;

    public KernelsForwarder(InternalServices internal) {
        this.internal = internal;
    }

    private KernelsGrpc.KernelsBlockingStub kernels(long timeoutSeconds) {
        return KernelsGrpc.newBlockingStub(internal.channel("image")).withDeadlineAfter(timeoutSeconds,
                TimeUnit.SECONDS);
    }

    @Override
    public void import_(ImportKernelRequest request, StreamObserver<Kernel> response) {
        Rpc.answer(response, () -> kernels(600).import_(request));
    }

    @Override
    public void pull(PullRequest request, StreamObserver<ImageEvent> response) {
        Rpc.forward(response, () -> kernels(45 * 60).pull(request));
    }

    @Override
    public void list(ListKernelsRequest request, StreamObserver<ListKernelsResponse> response) {
        Rpc.answer(response, () -> kernels(30).list(request));
    }

    @Override
    public void get(NameRef request, StreamObserver<Kernel> response) {
        Rpc.answer(response, () -> kernels(30).get(request));
    }

    @Override
    public void delete(NameRef request, StreamObserver<DeleteResponse> response) {
        Rpc.answer(response, () -> kernels(60).delete(request));
    }
}
