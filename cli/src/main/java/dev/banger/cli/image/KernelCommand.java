package dev.banger.cli.image;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.daemon.Durations;
import dev.banger.cli.output.Json;
import dev.banger.cli.output.MultiRef;
import dev.banger.cli.output.OutputFormat;
import dev.banger.cli.output.Table;
import dev.banger.cli.output.ProgressPrinter;
import dev.banger.proto.api.v1.ImportKernelRequest;
import dev.banger.proto.api.v1.PullRequest;
import dev.banger.proto.api.v1.Kernel;
import dev.banger.proto.api.v1.KernelsGrpc;
import dev.banger.proto.api.v1.ListKernelsRequest;
import dev.banger.proto.api.v1.NameRef;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "kernel", description = "Manage guest kernels.", mixinStandardHelpOptions = true)
public class KernelCommand {

    @Command(name = "import", description = "Add a kernel from a directory (bzImage/vmlinuz*, vmlinux, initrd*, modules/).",
            mixinStandardHelpOptions = true)
    int importKernel(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--from", required = true, paramLabel = "DIR") Path from) {
        Kernel k = call(s -> s.import_(ImportKernelRequest.newBuilder().setName(name)
                .setFromDir(from.toAbsolutePath().toString()).build()), 600);
        System.out.println("imported kernel " + k.getName() + " (" + boots(k) + ")");
        return 0;
    }

    @Command(name = "pull", description = "Download a kernel from the catalog; verified before use.",
            mixinStandardHelpOptions = true)
    int pull(@Parameters(paramLabel = "NAME") String name,
            @Option(names = {"-v", "--verbose"}, description = "progress lines even when not on a terminal")
            boolean verbose) {
        Kernel k = call(s -> ImageEvents.follow(s.pull(PullRequest.newBuilder().setRef(name).build()),
                ProgressPrinter.forTerminal(verbose)).getKernel(), 45 * 60);
        System.out.println("pulled kernel " + k.getName() + " (" + boots(k) + ")");
        return 0;
    }

    @Command(name = "list", aliases = "ls", description = "List kernels and which VMMs they boot.",
            mixinStandardHelpOptions = true)
    int list(@Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        List<Kernel> kernels = call(s -> s.list(ListKernelsRequest.getDefaultInstance()).getKernelsList(), 30);
        System.out.print(format == OutputFormat.json ? Json.array(kernels) : table(kernels, Instant.now()));
        return 0;
    }

    @Command(name = "show", description = "Show everything about one kernel.", mixinStandardHelpOptions = true)
    int show(@Parameters(paramLabel = "KERNEL") String ref,
            @Option(names = {"-o", "--output"}, defaultValue = "table",
                    description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        Kernel k = call(s -> s.get(NameRef.newBuilder().setRef(ref).build()), 30);
        System.out.print(format == OutputFormat.json ? Json.of(k) : new Table("FIELD", "VALUE")
                .row("name", k.getName()).row("id", k.getId()).row("bzImage (qemu)", k.getBzimagePath())
                .row("vmlinux (firecracker)", k.getVmlinuxPath()).row("initrd", k.getInitrdPath())
                .row("modules", k.getModulesPath()).row("created", Instant.ofEpochSecond(k.getCreated().getSeconds()))
                .render());
        return 0;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete kernels no image uses.",
            mixinStandardHelpOptions = true)
    int delete(@Parameters(paramLabel = "KERNEL", arity = "1..*") List<String> refs) {
        return MultiRef.run(refs, ref -> {
            call(s -> s.delete(NameRef.newBuilder().setRef(ref).build()), 60);
            return "deleted kernel " + ref;
        }, System.out, System.err);
    }

    static String boots(Kernel k) {
        List<String> vmms = new java.util.ArrayList<>();
        if (!k.getBzimagePath().isEmpty()) {
            vmms.add("qemu");
        }
        if (!k.getVmlinuxPath().isEmpty()) {
            vmms.add("firecracker");
        }
        return String.join(", ", vmms);
    }

    static String table(List<Kernel> kernels, Instant now) {
        Table t = new Table("NAME", "BOOTS", "INITRD", "CREATED");
        for (Kernel k : kernels) {
            t.row(k.getName(), boots(k), k.getInitrdPath().isEmpty() ? "no" : "yes",
                    Durations.human(Duration.between(Instant.ofEpochSecond(k.getCreated().getSeconds()), now)) + " ago");
        }
        return t.render();
    }

    private static <T> T call(java.util.function.Function<KernelsGrpc.KernelsBlockingStub, T> rpc, long seconds) {
        return Orchestrator.call(ch -> rpc.apply(KernelsGrpc.newBlockingStub(ch).withDeadlineAfter(seconds,
                TimeUnit.SECONDS)));
    }
}
