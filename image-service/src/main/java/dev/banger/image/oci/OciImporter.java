package dev.banger.image.oci;

import dev.banger.common.ids.Names;
import dev.banger.common.layout.ImageDir;
import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.image.build.Ext4FromTar;
import dev.banger.image.build.GuestOverlay;
import dev.banger.image.build.ImageBuilder;
import dev.banger.image.registry.ImageRegistry;
import dev.banger.image.store.ImageRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * `image pull REF` for OCI images (IMG-5): resolve the linux/amd64 manifest, fetch
 * its layers into a digest-keyed cache, replay them (LayerMerger), add banger's guest
 * files, and have the storage service make the ext4, sized to content plus headroom.
 * Images without systemd get banger-init as their first-boot init.
 */
public final class OciImporter {
    private final ImageRegistry registry;
    private final Path stateDir;
    private final Path cacheDir;
    private final Optional<Path> agentJar;
    private final Ext4FromTar ext4;
    private final Map<String, String> endpoints;

    public OciImporter(ImageRegistry registry, Path stateDir, Path cacheDir, Optional<Path> agentJar, Ext4FromTar ext4,
            Map<String, String> endpoints) {
        this.registry = registry;
        this.stateDir = stateDir;
        this.cacheDir = cacheDir;
        this.agentJar = agentJar;
        this.ext4 = ext4;
        this.endpoints = endpoints;
    }

    public ImageRecord pull(String reference, BiConsumer<String, String> progress) {
        OciRef ref = OciRef.parse(reference);
        String name = Names.requireImageName(ref.defaultName(), "image");
        registry.requireFreeImageName(name);
        OciSource source = ref.isLayout() ? OciSource.layout(ref.layout())
                : OciSource.registry(new RegistryClient(endpoint(ref), ref.repository()), ref.reference());
        return registry.create(name, (id, work, imageDir) -> {
            progress.accept("resolve", reference);
            List<OciManifests.Layer> layers = OciManifests.layers(source);
            List<LayerMerger.LayerFile> files = new ArrayList<>();
            for (OciManifests.Layer l : layers) {
                progress.accept("layer", l.digest().substring(0, 19));
                files.add(new LayerMerger.LayerFile(OciManifests.fetch(source, l, cacheDir.resolve("oci")),
                        l.mediaType()));
            }
            progress.accept("rootfs", layers.size() + " layer(s) replayed, guest files, ext4");
            Path merged = work.resolve("merged.tar");
            LayerMerger.merge(files, merged);
            Path tar = work.resolve("rootfs.tar");
            GuestOverlay.write(merged, guestFiles(), tar);
            Files.delete(merged);
            ext4.build(tar, new ImageDir(imageDir).rootfs(), ImageBuilder.sizeFor(Files.size(tar)), "rootfs");
            progress.accept("register", name);
            return registry.adopt(id, name, "unknown", null, "oci", null);
        });
    }

    private List<GuestOverlay.GuestFile> guestFiles() throws IOException {
        Path jar = agentJar.filter(Files::isRegularFile).orElseThrow(() -> new FailedPreconditionException(
                "the guest agent jar is not available (banger.guest-agent.jar)"));
        return GuestOverlay.guestFiles(jar);
    }

    /** https://HOST, http for a loopback registry, or a configured endpoint for the host. */
    String endpoint(OciRef ref) {
        String configured = endpoints.get(ref.registry());
        if (configured != null) {
            return configured;
        }
        return (ref.loopback() ? "http://" : "https://") + ref.registry();
    }
}
