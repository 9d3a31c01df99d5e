package dev.banger.image.rpc;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.image.build.ImageBuilder;
import dev.banger.image.store.ImageRecord;
import dev.banger.image.catalog.Puller;
import dev.banger.image.oci.OciImporter;
import dev.banger.image.oci.OciRef;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.proto.api.v1.BundleRequest;
import dev.banger.proto.api.v1.BundleResponse;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.BuildImageRequest;
import dev.banger.proto.api.v1.ImageEvent;
import dev.banger.proto.common.v1.Progress;
import dev.banger.proto.api.v1.DeleteResponse;
import dev.banger.proto.api.v1.Image;
import dev.banger.proto.api.v1.ImagesGrpc;
import dev.banger.proto.api.v1.MutinyImagesGrpc;
import dev.banger.proto.api.v1.ListImagesRequest;
import dev.banger.proto.api.v1.ListImagesResponse;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.proto.api.v1.RegisterImageRequest;
import dev.banger.image.build.Preset;
import dev.banger.common.rpc.Rpc;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** gRPC adapter: the Images API as the orchestrator forwards it. */
@Singleton
public class ImagesGrpcService extends MutinyImagesGrpc.ImagesImplBase {
    private final ImageRegistry registry;
    private final ImageBuilder builder;
    private final Puller puller;
    private final RegistryProducer config;

    private final OciImporter oci;

    public ImagesGrpcService(ImageRegistry registry, ImageBuilder builder, Puller puller, RegistryProducer config,
            OciImporter oci) {
        this.registry = registry;
        this.builder = builder;
        this.puller = puller;
        this.config = config;
        this.oci = oci;
    }

    @Override
    public Multi<ImageEvent> pull(PullRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> {
            var progress = progress("image pull", t0, events);
            // Catalog names cannot contain '/' or ':'; OCI references and layout paths always do.
            var image = OciRef.looksLikeOci(r.getRef()) ? oci.pull(r.getRef(), progress)
                    : puller.pullImage(config.imageCatalog(), r.getRef(), progress);
            return ImageEvent.newBuilder().setImage(ImageMessages.toProto(image)).build();
        });
    }

    @Override
    public Uni<BundleResponse> bundle(BundleRequest r) {
        return Rpc.unary(() -> {
            try {
                var made = Puller.bundleImage(registry, r.getRef(), absolute(r.getOutputPath()));
                return BundleResponse.newBuilder().setPath(made.getKey().toString()).setSha256(made.getValue())
                        .setSize(java.nio.file.Files.size(made.getKey())).build();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the bundle: " + e.getMessage(), e);
            }
        });
    }

    static java.util.function.BiConsumer<String, String> progress(String scope, long t0,
            Rpc.Events<ImageEvent> response) {
        return (phase, detail) -> response.send(ImageEvent.newBuilder().setProgress(Progress.newBuilder()
                .setScope(scope).setPhase(phase).setDetail(detail)
                .setElapsedMillis((System.nanoTime() - t0) / 1_000_000)).build());
    }

    /** Streams one Progress per phase, then the image. */
    @Override
    public Multi<ImageEvent> build(BuildImageRequest r) {
        long t0 = System.nanoTime();
        return Rpc.stream(events -> ImageEvent.newBuilder().setImage(ImageMessages.toProto(builder.build(r.getName(),
                r.getFrom(), r.getPackagesList(), r.getMirror(), Preset.parse(r.getPreset()),
                progress("image build", t0, events)))).build());
    }

    @Override
    public Uni<ListImagesResponse> list(ListImagesRequest request) {
        return Rpc.unary(() -> {
            ListImagesResponse.Builder b = ListImagesResponse.newBuilder();
            registry.images().forEach(i -> b.addImages(ImageMessages.toProto(i)));
            return b.build();
        });
    }

    @Override
    public Uni<Image> get(NameRef request) {
        return Rpc.unary(() -> {
            ImageRecord image = registry.image(request.getRef());
            return ImageMessages.toProto(image).toBuilder()
                    .setGuestFilesStale(builder.guestFilesStale(image)).build();
        });
    }

    @Override
    public Uni<Image> register(RegisterImageRequest r) {
        return Rpc.unary(() -> ImageMessages.toProto(registry.register(r.getName(), absolute(r.getRootfsPath()),
                r.getKernelRef(), "register", null)));
    }

    @Override
    public Uni<DeleteResponse> delete(NameRef request) {
        return Rpc.unary(() -> {
            registry.deleteImage(request.getRef());
            return DeleteResponse.getDefaultInstance();
        });
    }

    static Path absolute(String path) {
        if (path == null || path.isEmpty() || !Path.of(path).isAbsolute()) {
            throw new InvalidArgumentException("an absolute path is required, got '" + path + "'");
        }
        return Path.of(path);
    }
}
