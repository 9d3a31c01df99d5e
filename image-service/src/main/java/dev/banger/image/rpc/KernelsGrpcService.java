package dev.banger.image.rpc;

import dev.banger.image.catalog.Puller;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.proto.api.v1.ImageEvent;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.DeleteResponse;
import dev.banger.proto.api.v1.ImportKernelRequest;
import dev.banger.proto.api.v1.Kernel;
import dev.banger.proto.api.v1.KernelsGrpc;
import dev.banger.proto.api.v1.ListKernelsRequest;
import dev.banger.proto.api.v1.ListKernelsResponse;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.rpc.Rpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC adapter: the Kernels API as the orchestrator forwards it. */
@Singleton
public class KernelsGrpcService extends KernelsGrpc.KernelsImplBase {
    private final ImageRegistry registry;
    private final Puller puller;
    private final RegistryProducer config;

    public KernelsGrpcService(ImageRegistry registry, Puller puller, RegistryProducer config) {
        this.registry = registry;
        this.puller = puller;
        this.config = config;
    }

    @Override
    public void pull(PullRequest r, StreamObserver<ImageEvent> response) {
        var progress = ImagesGrpcService.progress("kernel pull", System.nanoTime(), response);
        Rpc.stream(response, () -> ImageEvent.newBuilder().setKernel(ImageMessages.toProto(
                puller.pullKernel(config.kernelCatalog(), r.getRef(), progress))).build());
    }

    @Override
    public void import_(ImportKernelRequest r, StreamObserver<Kernel> response) {
        Rpc.answer(response, () -> ImageMessages.toProto(registry.importKernel(r.getName(),
                ImagesGrpcService.absolute(r.getFromDir()), "import")));
    }

    @Override
    public void list(ListKernelsRequest request, StreamObserver<ListKernelsResponse> response) {
        Rpc.answer(response, () -> {
            ListKernelsResponse.Builder b = ListKernelsResponse.newBuilder();
            registry.kernels().forEach(k -> b.addKernels(ImageMessages.toProto(k)));
            return b.build();
        });
    }

    @Override
    public void get(NameRef request, StreamObserver<Kernel> response) {
        Rpc.answer(response, () -> ImageMessages.toProto(registry.kernel(request.getRef())));
    }

    @Override
    public void delete(NameRef request, StreamObserver<DeleteResponse> response) {
        Rpc.answer(response, () -> {
            registry.deleteKernel(request.getRef());
            return DeleteResponse.getDefaultInstance();
        });
    }
}
