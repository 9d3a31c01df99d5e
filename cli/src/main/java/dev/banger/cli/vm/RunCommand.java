package dev.banger.cli.vm;

import dev.banger.cli.output.ErrorReporter;
import dev.banger.cli.output.ProgressPrinter;
import dev.banger.cli.output.UserError;
import dev.banger.proto.api.v1.RefsRequest;
import dev.banger.proto.api.v1.Vm;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `banger vm run [--rm] [-d] [-- CMD ARGS...]` (RUN-1..3): a fresh VM, then CMD in it
 * (or an interactive shell); CMD's exit status is banger's. With --rm the VM is deleted
 * afterwards, also when CMD fails or the user hits Ctrl-C. On a fresh install it starts
 * the daemon and builds the default image first (FirstRun). Workspace import comes later.
 */
@Command(name = "run", description = "Create a VM, boot it, and run a command in it (or open a shell).",
        mixinStandardHelpOptions = true)
public class RunCommand implements Callable<Integer> {
    @Mixin
    SpecOptions spec;
    @Option(names = "--rm", description = "delete the VM afterwards, whatever happens")
    boolean rm;
    @Option(names = {"-d", "--detach"}, description = "leave it running and print how to reach it")
    boolean detach;
    @Option(names = {"-v", "--verbose"}, description = "progress lines off a terminal too")
    boolean verbose;
    @Parameters(paramLabel = "CMD", description = "command and arguments, after --")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        List<String> cmd = command == null ? List.of() : command;
        if (detach && rm) {
            throw new UserError("bad request", "-d and --rm contradict each other: a detached VM is meant to stay");
        }
        if (detach && !cmd.isEmpty()) {
            throw new UserError("bad request", "-d runs no command; use `banger vm run -- CMD` or `banger vm exec`");
        }
        ProgressPrinter progress = ProgressPrinter.forTerminal(verbose);
        Vm vm = FirstRun.create(spec.toSpec(), spec.image, progress);
        if (detach) {
            System.out.println(vm.getName() + " is running at " + vm.getIp() + ": banger vm ssh " + vm.getName());
            return 0;
        }
        AtomicBoolean deleted = new AtomicBoolean();
        Thread cleanup = new Thread(() -> deleteOnce(vm, deleted), "banger-rm");
        if (rm) {
            Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C
        }
        try {
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
