package dev.banger.image.rpc;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import dev.banger.image.catalog.Puller;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.proto.api.v1.ImageEvent;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.DeleteResponse;
import dev.banger.proto.api.v1.ImportKernelRequest;
import dev.banger.proto.api.v1.Kernel;
import dev.banger.proto.api.v1.KernelsGrpc;
import dev.banger.proto.api.v1.MutinyKernelsGrpc;
import dev.banger.proto.api.v1.ListKernelsRequest;
import dev.banger.proto.api.v1.ListKernelsResponse;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.common.rpc.Rpc;
import jakarta.inject.Singleton;

/** gRPC adapter: the Kernels API as the orchestrator forwards it. */
@Singleton
public class KernelsGrpcService extends MutinyKernelsGrpc.KernelsImplBase {
    private final ImageRegistry registry;
    private final Puller puller;
    private final RegistryProducer config;

    public KernelsGrpcService(ImageRegistry registry, Puller puller, RegistryProducer config) {
        this.registry = registry;
        this.puller = puller;
        this.config = config;
    }

    @Override
    public Multi<ImageEvent> pull(PullRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> ImageEvent.newBuilder().setKernel(ImageMessages.toProto(
                puller.pullKernel(config.kernelCatalog(), r.getRef(), ImagesGrpcService.progress("kernel pull", t0,
                        events)))).build());
    }

    @Override
    public Uni<Kernel> import_(ImportKernelRequest r) {
        return Rpc.unary(() -> ImageMessages.toProto(registry.importKernel(r.getName(),
                ImagesGrpcService.absolute(r.getFromDir()), "import")));
    }

    @Override
    public Uni<ListKernelsResponse> list(ListKernelsRequest request) {
        return Rpc.unary(() -> {
            ListKernelsResponse.Builder b = ListKernelsResponse.newBuilder();
            registry.kernels().forEach(k -> b.addKernels(ImageMessages.toProto(k)));
            return b.build();
        });
    }

    @Override
    public Uni<Kernel> get(NameRef request) {
        return Rpc.unary(() -> ImageMessages.toProto(registry.kernel(request.getRef())));
    }

    @Override
    public Uni<DeleteResponse> delete(NameRef request) {
        return Rpc.unary(() -> {
            registry.deleteKernel(request.getRef());
            return DeleteResponse.getDefaultInstance();
        });
    }
}
