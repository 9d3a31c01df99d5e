package dev.banger.cli.vm;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.ErrorReporter;
import dev.banger.cli.output.ProgressPrinter;
import dev.banger.cli.output.UserError;
import dev.banger.proto.api.v1.RefsRequest;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.WorkspacePlan;
import dev.banger.proto.api.v1.WorkspacePrepareRequest;
import dev.banger.proto.common.v1.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `banger vm run [PATH] [-- CMD ARGS...]` (RUN-1..3, RUN-6): a fresh VM with the git
 * repository enclosing PATH (default: the current directory) inside, then CMD run in
 * that checkout (or an interactive shell there); CMD's exit status is banger's. Outside
 * any repository the VM is bare. With --rm the VM is deleted afterwards, also when CMD
 * fails or the user hits Ctrl-C. Every refusal comes before a VM is created.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
    "Create a VM with the git repository you are in (or PATH's) inside, and run a command in that",
    "checkout (or open a shell there). Outside a repository the VM is bare."})
public class RunCommand implements Callable<Integer> {
    @Mixin
    SpecOptions spec;
    @Mixin
    WorkspaceOptions workspace;
    @Option(names = "--rm", description = "delete the VM afterwards, whatever happens")
    boolean rm;
    @Option(names = {"-d", "--detach"}, description = "leave it running and print how to reach it")
    boolean detach;
    @Option(names = "--no-bootstrap", description = "do not install the tools the repository pins (mise, go.mod, ...)")
    boolean noBootstrap;
    @Option(names = "--cold", description = "boot a fresh VM even when the daemon keeps one ready (warm pool)")
    boolean cold;
    @Option(names = {"-v", "--verbose"}, description = "progress lines off a terminal too")
    boolean verbose;
    @Parameters(paramLabel = "[PATH] [-- CMD]", description = "the repository (default: here), then the command after --")
    List<String> params;
    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        List<String> all = params == null ? List.of() : params;
        List<String> cmd = afterDoubleDash(command.commandLine().getParseResult().originalArgs(), all);
        List<String> paths = all.subList(0, all.size() - cmd.size());
        if (paths.size() > 1) {
            throw new UserError(ErrorKind.BAD_REQUEST, "one PATH at most, and the command after --: banger vm run [PATH] -- "
                    + String.join(" ", paths.subList(1, paths.size())));
        }
        if (detach && rm) {
            throw new UserError(ErrorKind.BAD_REQUEST, "-d and --rm contradict each other: a detached VM is meant to stay");
        }
        if (detach && !cmd.isEmpty()) {
            throw new UserError(ErrorKind.BAD_REQUEST, "-d runs no command; use `banger vm run -- CMD` or `banger vm exec`");
        }
        ProgressPrinter progress = ProgressPrinter.forTerminal(verbose);
        FirstRun firstRun = FirstRun.forEnvironment();
        Path hostPath = WorkspaceOptions.hostPath(paths.isEmpty() ? null : paths.get(0));
        WorkspacePrepareRequest.Builder prepare = null;
        if (WorkspaceOptions.insideRepository(hostPath)) {
            prepare = workspace.request(hostPath);
            WorkspacePlan plan = firstRun.withDaemon(prepare.build(), Workspace::plan);
            show(progress, "plan", Workspace.describe(plan));
            if (!plan.getToolsList().isEmpty() && !noBootstrap) {
                String tools = plan.getToolsList().stream().map(t -> t.getTool() + "@" + t.getVersion() + " ("
                        + t.getSource() + ")").collect(Collectors.joining(", "));
                if (!spec.nat) {
                    throw new UserError(ErrorKind.BAD_REQUEST, "the repository pins " + tools + "; installing them needs the"
                            + " network: add --nat, or skip the installs with --no-bootstrap");
                }
                show(progress, "bootstrap plan", tools);
                prepare.setBootstrap(true);
            }
        } else if (!paths.isEmpty()) {
            show(progress, "bare VM", hostPath + " is not inside a git repository");
        }
        Vm vm = firstRun.create(spec.toSpec(), spec.image, rm, !cold, progress);
        AtomicBoolean deleted = new AtomicBoolean();
        Thread cleanup = new Thread(() -> deleteOnce(vm, deleted), "banger-rm");
        if (rm) {
            Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C
        }
        try {
            if (prepare != null) {
                show(progress, "prepare workspace", vm.getName());
                Workspace.prepare(prepare.setRef(vm.getId()).build(), progress, p -> { });
            }
            if (detach) {
                System.out.println(vm.getName() + " is running at " + vm.getIp() + (prepare == null ? ""
                        : " with " + prepare.getHostPath() + " inside") + ": banger vm ssh " + vm.getName());
                return 0;
            }
            return Ssh.run(VmVerbs.sshTarget(vm.getId()), cmd, System.console() != null);
        } finally {
            if (rm) {
                deleteOnce(vm, deleted);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already
                }
            }
        }
    }

    /** The positional arguments that came after `--` (picocli hands them over with the others). */
    static List<String> afterDoubleDash(List<String> original, List<String> positional) {
        int dd = original.indexOf("--");
        if (dd < 0) {
            return List.of();
        }
        int n = Math.min(original.size() - dd - 1, positional.size());
        return positional.subList(positional.size() - n, positional.size());
    }

    private static void show(ProgressPrinter progress, String phase, String detail) {
        progress.show(Progress.newBuilder().setScope("vm run").setPhase(phase).setDetail(detail).build());
    }

    private static void deleteOnce(Vm vm, AtomicBoolean deleted) {
        if (deleted.compareAndSet(false, true)) {
            try {
                VmVerbs.call(s -> s.delete(RefsRequest.newBuilder().addRefs(vm.getId()).build()), 300);
            } catch (RuntimeException e) {
                System.err.println(ErrorReporter.format(e) + " (while deleting " + vm.getName() + ")");
            }
        }
    }
}
