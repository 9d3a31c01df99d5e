package dev.banger.cli.image;

import dev.banger.common.errors.Reason;
import dev.banger.common.rpc.ErrorReasons;
import dev.banger.cli.Orchestrator;
import dev.banger.cli.daemon.Durations;
import dev.banger.cli.output.Json;
import dev.banger.cli.output.MultiRef;
import dev.banger.cli.output.OutputFormat;
import dev.banger.cli.output.Sizes;
import dev.banger.cli.output.Table;
import dev.banger.cli.output.ProgressPrinter;
import dev.banger.proto.api.v1.BuildImageRequest;
import dev.banger.proto.api.v1.BundleRequest;
import dev.banger.proto.api.v1.BundleResponse;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.Image;
import dev.banger.proto.api.v1.ImagesGrpc;
import dev.banger.proto.api.v1.ListImagesRequest;
import dev.banger.proto.api.v1.NameRef;
import dev.banger.proto.api.v1.RegisterImageRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "image", description = "Manage VM images (read-only rootfs + work seed + kernel).",
        mixinStandardHelpOptions = true)
public class ImageCommand {

    @Command(name = "list", aliases = "ls", description = "List images: name, distro, kernel, rootfs size, created.",
            mixinStandardHelpOptions = true)
    int list(@Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        List<Image> images = ImageClient.call(s -> s.list(ListImagesRequest.getDefaultInstance()).getImagesList(), 30);
        System.out.print(format == OutputFormat.json ? Json.array(images) : table(images, Instant.now()));
        return 0;
    }

    @Command(name = "show", description = "Show everything about one image.", mixinStandardHelpOptions = true)
    int show(@Parameters(paramLabel = "IMAGE") String ref,
            @Option(names = {"-o", "--output"}, defaultValue = "table",
                    description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        Image i = ImageClient.call(s -> s.get(NameRef.newBuilder().setRef(ref).build()), 30);
        System.out.print(format == OutputFormat.json ? Json.of(i) : new Table("FIELD", "VALUE")
                .row("name", i.getName()).row("id", i.getId()).row("distro", i.getDistro()).row("arch", i.getArch())
                .row("kernel", i.getKernelRef()).row("rootfs", i.getRootfsPath())
                .row("rootfs size", Sizes.human(i.getRootfsSizeBytes())).row("rootfs sha256", i.getRootfsSha256())
                .row("work seed", i.getWorkSeedPath()).row("recipe", i.getRecipeHash())
                .row("guest files", i.getGuestFilesStale() ? "stale: built by an older banger (rebuild it)" : "current")
                .row("created", Instant.ofEpochSecond(i.getCreated().getSeconds())).render());
        return 0;
    }

    @Command(name = "build", description = "Build an image from Debian packages (mmdebstrap), with its kernel.",
            mixinStandardHelpOptions = true)
    int build(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--from", required = true, paramLabel = "debian:SUITE") String from,
            @Option(names = "--package", paramLabel = "PKG", description = "extra package (repeatable)")
            List<String> packages,
            @Option(names = "--mirror", paramLabel = "URL", description = "default: this host's apt sources") String mirror,
            @Option(names = "--preset", paramLabel = "dev", description = "dev: git, jq, ripgrep, fd, build-essential,"
                    + " tmux, htop, mise, Node.js and the opencode, claude and pi CLIs (default: a lean image)")
            String preset,
            @Option(names = {"-v", "--verbose"}, description = "progress lines even when not on a terminal")
            boolean verbose) {
        long t0 = System.nanoTime();
        Image built = new ImageClient().build(BuildImageRequest.newBuilder().setName(name).setFrom(from)
                .addAllPackages(packages == null ? List.of() : packages).setMirror(mirror == null ? "" : mirror)
                .setPreset(preset == null ? "" : preset).build(), ProgressPrinter.forTerminal(verbose));
        System.out.printf("built image %s (%s, kernel %s) in %.1fs%n", built.getName(),
                Sizes.human(built.getRootfsSizeBytes()), built.getKernelRef(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    @Command(name = "pull", description = "Download an image (and its kernel) from the catalog; verified before use.",
            mixinStandardHelpOptions = true)
    int pull(@Parameters(paramLabel = "NAME") String name,
            @Option(names = {"-v", "--verbose"}, description = "progress lines even when not on a terminal")
            boolean verbose) {
        long t0 = System.nanoTime();
        Image pulled = ImageClient.call(s -> ImageEvents.follow(s.pull(PullRequest.newBuilder().setRef(name).build()),
                ProgressPrinter.forTerminal(verbose)).getImage(), 45 * 60);
        System.out.printf("pulled image %s (%s) in %.1fs%n", pulled.getName(), Sizes.human(pulled.getRootfsSizeBytes()),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    @Command(name = "bundle", description = "Write an image and its kernel as a catalog bundle (.tar.zst).",
            mixinStandardHelpOptions = true)
    int bundle(@Parameters(paramLabel = "IMAGE") String ref,
            @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE|DIR",
                    description = "a file, or a directory to write SHA256.tar.zst into") Path out) {
        BundleResponse b = ImageClient.call(s -> s.bundle(BundleRequest.newBuilder().setRef(ref)
                .setOutputPath(out.toAbsolutePath().toString()).build()), 30 * 60);
        System.out.println(b.getPath());
        System.out.println("sha256 " + b.getSha256());
        System.out.println("size   " + b.getSize());
        return 0;
    }

    @Command(name = "register", description = "Add an existing ext4 rootfs as an image.",
            mixinStandardHelpOptions = true)
    int register(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--rootfs", required = true, paramLabel = "FILE", description = "ext4 rootfs image") Path rootfs,
            @Option(names = "--kernel-ref", paramLabel = "KERNEL", description = "kernel to boot it with") String kernel) {
        Image i = ImageClient.call(s -> s.register(RegisterImageRequest.newBuilder().setName(name)
                .setRootfsPath(rootfs.toAbsolutePath().toString()).setKernelRef(kernel == null ? "" : kernel).build()),
                600);
        System.out.println("registered image " + i.getName() + " (" + Sizes.human(i.getRootfsSizeBytes()) + ")");
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete images no VM uses.", mixinStandardHelpOptions = true)
    int delete(@Parameters(paramLabel = "IMAGE", arity = "1..*") List<String> refs) {
        return MultiRef.run(refs, ref -> {
            ImageClient.call(s -> s.delete(NameRef.newBuilder().setRef(ref).build()), 60);
            return "deleted image " + ref;
        }, System.out, System.err);
    }

    static String table(List<Image> images, Instant now) {
        Table t = new Table("NAME", "DISTRO", "KERNEL", "ROOTFS SIZE", "CREATED");
        for (Image i : images) {
            t.row(i.getName(), i.getDistro(), i.getKernelRef().isEmpty() ? "-" : i.getKernelRef(),
                    Sizes.human(i.getRootfsSizeBytes()),
                    Durations.human(Duration.between(Instant.ofEpochSecond(i.getCreated().getSeconds()), now)) + " ago");
        }
        return t.render();
    }
}
