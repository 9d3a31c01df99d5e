package dev.banger.cli.vm;

import dev.banger.cli.daemon.Durations;
import dev.banger.cli.output.Json;
import dev.banger.cli.output.OutputFormat;
import dev.banger.cli.output.Table;
import dev.banger.proto.api.v1.ListVmsRequest;
import dev.banger.proto.api.v1.Vm;
import dev.banger.proto.api.v1.VmsGrpc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import dev.banger.cli.output.ProgressPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Option;

// addMethodSubcommands = false and no subcommands attribute: CommandLineSetup adds only the
// verb method or group a command line names.
@Command(name = "vm", description = "Create, run and manage VMs.", mixinStandardHelpOptions = true,
        addMethodSubcommands = false)
public class VmCommand {
    /** Its groups of verbs, which CommandLineSetup adds only when named (or for help), as it does its verbs. */
    public static final List<Class<?>> GROUPS = List.of(RunCommand.class, WorkspaceCommand.class,
            SessionCommand.class, SnapshotCommand.class);

    @Command(name = "list", aliases = "ls", description = "List VMs: name, state, image, IP, vCPU, memory, age.",
            mixinStandardHelpOptions = true)
    int list(@Option(names = {"-o", "--output"}, description = "table or json (default: ${DEFAULT-VALUE}).",
            defaultValue = "table") OutputFormat format) {
        List<Vm> vms = VmVerbs.call(s -> s.list(ListVmsRequest.getDefaultInstance()).getVmsList(), 10);
        System.out.print(format == OutputFormat.json ? json(vms) : table(vms, Instant.now()));
        return 0;
    }

    @Command(name = "create", description = "Create a VM and boot it (defaults: see `banger daemon status`'s config).",
            mixinStandardHelpOptions = true)
    int create(@Mixin SpecOptions spec, @Option(names = "--no-start", description = "record it without booting")
            boolean noStart, @Option(names = {"-v", "--verbose"}, description = "progress lines off a terminal too")
            boolean verbose) {
        Vm vm = VmVerbs.create(spec.toSpec(), !noStart, ProgressPrinter.forTerminal(verbose));
        System.out.println("created " + vm.getName() + " (" + vm.getIp() + ", " + vm.getState().name().toLowerCase(Locale.ROOT)
                + ")");
        return 0;
    }

    @Command(name = "start", description = "Boot stopped VMs.", mixinStandardHelpOptions = true)
    int start(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs,
            @Option(names = {"-v", "--verbose"}) boolean verbose) {
        return VmVerbs.eachVm("started", refs, s -> s::start, verbose, 600);
    }

    @Command(name = "fork", description = {"Make running copies of a running VM, which runs on: each its own name"
            + " (VM-1, VM-2, ...), address, host key and random numbers, its memory and disks as the VM's were.",
            "Copies share the memory they have not changed; one that fails to start takes the others with it."},
            mixinStandardHelpOptions = true)
    int fork(@Parameters(paramLabel = "VM") String ref,
            @Option(names = "--count", defaultValue = "1", description = "how many copies, 1 to 16 (default: ${DEFAULT-VALUE})")
            int count, @Option(names = {"-v", "--verbose"}) boolean verbose) {
        if (count < 1) { // the RPC takes an unset 0 as 1
            throw new dev.banger.cli.output.UserError(dev.banger.cli.output.ErrorKind.BAD_REQUEST,
                    "--count must be between 1 and 16, got " + count);
        }
        ProgressPrinter progress = ProgressPrinter.forTerminal(verbose);
        return VmVerbs.call(s -> {
            var events = s.fork(dev.banger.proto.api.v1.ForkRequest.newBuilder().setRef(ref).setCount(count).build());
            while (events.hasNext()) {
                var e = events.next();
                if (e.hasProgress()) {
                    progress.show(e.getProgress());
                } else {
                    System.out.println("forked " + e.getVm().getName() + " (" + e.getVm().getIp() + ")");
                }
            }
            return 0;
        }, 900);
    }

    @Command(name = "stop", description = "Stop VMs without losing data.", mixinStandardHelpOptions = true)
    int stop(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs) {
        return VmVerbs.refs("stopped", refs, s -> s::stop, null, 600);
    }

    @Command(name = "pause", description = "Halt running VMs where they are; memory, disks and network stay.",
            mixinStandardHelpOptions = true)
    int pause(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs) {
        return VmVerbs.refs("paused", refs, s -> s::pause, null, 60);
    }

    @Command(name = "resume", description = "Let paused VMs go on from where they were.", mixinStandardHelpOptions = true)
    int resume(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs) {
        return VmVerbs.refs("resumed", refs, s -> s::resume, null, 60);
    }

    @Command(name = "kill", description = "End VMs' VMMs at once.", mixinStandardHelpOptions = true)
    int kill(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs,
            @Option(names = "--signal", defaultValue = "KILL", description = "KILL or TERM (default: ${DEFAULT-VALUE})")
            String signal) {
        return VmVerbs.refs("killed", refs, s -> s::kill, signal, 120);
    }

    @Command(name = "delete", aliases = "rm", description = "Delete VMs and everything they hold on the host.",
            mixinStandardHelpOptions = true)
    int delete(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs) {
        return VmVerbs.refs("deleted", refs, s -> s::delete, null, 300);
    }

    @Command(name = "restart", description = "Reboot VMs for real: the guest's boot id changes.",
            mixinStandardHelpOptions = true)
    int restart(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs,
            @Option(names = {"-v", "--verbose"}) boolean verbose) {
        return VmVerbs.eachVm("restarted", refs, s -> s::restart, verbose, 900);
    }

    @Command(name = "show", description = "Everything about one VM, log paths included.", mixinStandardHelpOptions = true)
    int show(@Parameters(paramLabel = "VM") String ref, @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        Vm v = VmVerbs.call(s -> s.get(dev.banger.proto.api.v1.GetVmRequest.newBuilder().setRef(ref).build()), 30);
        System.out.print(format == OutputFormat.json ? dev.banger.cli.output.Json.of(v) : new Table("FIELD", "VALUE")
                .row("name", v.getName()).row("id", v.getId()).row("state", v.getState().name().toLowerCase(Locale.ROOT))
                .row("image", v.getImageName()).row("kernel", v.getKernelName()).row("ip", v.getIp())
                .row("vcpu", v.getVcpu()).row("memory", v.getMemoryMib() + " MiB")
                .row("disk", dev.banger.cli.output.Sizes.human(v.getDiskSizeBytes()))
                .row("nat", v.getNat()).row("vmm", v.getVmm()).row("pid", v.getVmmPid() == 0 ? "" : v.getVmmPid())
                .row("dir", v.getDir()).row("console log", v.getConsoleLog()).row("vmm log", v.getVmmLog())
                .row("agent", v.getAgent()).row("last error", v.getLastError()).render());
        return 0;
    }

    @Command(name = "set", description = "Change vCPUs or memory of stopped VMs.", mixinStandardHelpOptions = true)
    int set(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs, @Option(names = "--vcpu") Integer vcpu,
            @Option(names = "--memory", description = "MiB") Integer memory) {
        if (vcpu == null && memory == null) {
            throw new dev.banger.cli.output.UserError(dev.banger.cli.output.ErrorKind.BAD_REQUEST, "give --vcpu and/or --memory");
        }
        var req = dev.banger.proto.api.v1.SetVmRequest.newBuilder().addAllRefs(refs);
        if (vcpu != null) {
            req.setVcpu(vcpu);
        }
        if (memory != null) {
            req.setMemoryMib(memory);
        }
        return VmVerbs.refs("updated", refs, s -> r -> s.set(req.build()), null, 60);
    }

    @Command(name = "prune", description = "Delete every VM that is not running (asks first, unless -f).",
            mixinStandardHelpOptions = true)
    int prune(@Option(names = {"-f", "--force"}, description = "no confirmation") boolean force) throws Exception {
        var dry = VmVerbs.call(s -> s.prune(dev.banger.proto.api.v1.PruneRequest.newBuilder().setDryRun(true).build()),
                60);
        if (dry.getCandidatesCount() == 0) {
            System.out.println("nothing to prune");
            return 0;
        }
        if (!force) {
            System.out.print(table(dry.getCandidatesList(), Instant.now()));
            if (System.console() == null) {
                throw new dev.banger.cli.output.UserError(dev.banger.cli.output.ErrorKind.BAD_REQUEST,
                        "not on a terminal, so not asking: confirm with -f");
            }
            String answer = System.console().readLine("delete these %d VM(s)? [y/N] ", dry.getCandidatesCount());
            if (answer == null || !answer.strip().equalsIgnoreCase("y")) {
                System.out.println("nothing deleted");
                return 0;
            }
        }
        var done = VmVerbs.call(s -> s.prune(dev.banger.proto.api.v1.PruneRequest.getDefaultInstance()), 600);
        int failed = 0;
        for (var r : done.getResultsList()) {
            if (r.getOk()) {
                System.out.println("deleted " + r.getRef());
            } else {
                failed++;
                System.err.println("banger: " + r.getMessage());
            }
        }
        return failed == 0 ? 0 : 1;
    }

    @Command(name = "exec", description = "Run a command in a running VM (in its workspace when it has one).",
            mixinStandardHelpOptions = true)
    int exec(@Parameters(index = "0", paramLabel = "VM") String ref,
            @Parameters(index = "1..*", paramLabel = "CMD", arity = "1..*") List<String> command,
            @Option(names = "--auto-prepare", description = "prepare the workspace again first when the host checkout"
                    + " changed since") boolean autoPrepare,
            @Option(names = {"-v", "--verbose"}, description = "progress lines off a terminal too") boolean verbose)
            throws Exception {
        dev.banger.proto.api.v1.SshTarget target = VmVerbs.sshTarget(ref);
        if (target.getWorkspaceStale()) {
            if (autoPrepare) {
                Workspace.prepare(dev.banger.proto.api.v1.WorkspacePrepareRequest.newBuilder().setRef(ref).setAgain(true)
                        .build(), ProgressPrinter.forTerminal(verbose), p -> { });
            } else {
                System.err.println("banger: warning: the host checkout changed since the workspace of " + ref
                        + " was prepared; `banger vm exec --auto-prepare` syncs it first");
            }
        }
        return Ssh.run(target, command, false);
    }

    @Command(name = "ssh", description = "SSH into a VM with banger's key (optionally run a command).",
            mixinStandardHelpOptions = true)
    int ssh(@Parameters(index = "0", paramLabel = "VM") String ref,
            @Parameters(index = "1..*", paramLabel = "CMD") List<String> command) throws Exception {
        List<String> cmd = command == null ? List.of() : command;
        int exit = Ssh.run(VmVerbs.sshTarget(ref), cmd, System.console() != null);
        if (cmd.isEmpty() && stillRunning(ref)) {
            System.err.println("banger: " + ref + " is still running; `banger vm stop " + ref + "` when done");
        }
        return exit;
    }

    /** VM-10: the reminder only when it is true (a `poweroff` inside ends the VM too). */
    private static boolean stillRunning(String ref) {
        try {
            // Without the agent: asking it would start its JVM in the guest only to learn the state.
            return VmVerbs.call(s -> s.get(dev.banger.proto.api.v1.GetVmRequest.newBuilder().setRef(ref)
                    .setWithoutAgent(true).build()), 10).getState() == dev.banger.proto.api.v1.VmState.RUNNING;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Command(name = "ssh-proxy", hidden = true, description = "ssh's ProxyCommand for NAME.vm (see `banger ssh-config`).")
    int sshProxy(@Parameters(index = "0", paramLabel = "HOST") String host,
            @Parameters(index = "1", paramLabel = "PORT", defaultValue = "22") int port) throws Exception {
        dev.banger.proto.api.v1.SshTarget t = VmVerbs.sshTarget(SshProxy.vmName(host));
        // The raw descriptors: a PrintStream would hide a write error (ssh went away) and keep copying.
        return SshProxy.pipe(t.getHost(), port, new java.io.FileInputStream(java.io.FileDescriptor.in),
                new java.io.FileOutputStream(java.io.FileDescriptor.out));
    }

    @Command(name = "ports", description = "What listens in a VM: PROTO ENDPOINT PROCESS COMMAND, web servers as URLs.",
            mixinStandardHelpOptions = true)
    int ports(@Parameters(paramLabel = "VM") String ref, @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        var ports = VmVerbs.call(s -> s.ports(dev.banger.proto.api.v1.PortsRequest.newBuilder().setRef(ref).build()), 60)
                .getPortsList();
        System.out.print(format == OutputFormat.json ? Json.array(ports) : Reach.portsTable(ports));
        return 0;
    }

    @Command(name = "stats", description = "CPU and memory of running VMs: the VMM's, and the guest's own.",
            mixinStandardHelpOptions = true)
    int stats(@Parameters(paramLabel = "VM", arity = "0..*") List<String> refs, @Option(names = {"-o", "--output"},
            defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        var stats = VmVerbs.call(s -> s.stats(dev.banger.proto.api.v1.StatsRequest.newBuilder()
                .addAllRefs(refs == null ? List.of() : refs).build()), 60).getStatsList();
        System.out.print(format == OutputFormat.json ? Json.array(stats) : Reach.statsTable(stats));
        return 0;
    }

    @Command(name = "logs", description = "A VM's VMM log, or with --console its serial console; -f follows.",
            mixinStandardHelpOptions = true)
    int logs(@Parameters(paramLabel = "VM") String ref,
            @Option(names = {"-f", "--follow"}, description = "keep printing what is appended (Ctrl-C ends)") boolean follow,
            @Option(names = "--console", description = "the guest's serial console instead of the VMM log") boolean console) {
        Reach.logs(ref, follow, console);
        return 0;
    }

    static String table(List<Vm> vms, Instant now) {
        Table t = new Table("NAME", "STATE", "IMAGE", "IP", "VCPU", "MEMORY", "AGE", "TTL");
        for (Vm vm : vms) {
            Duration age = Duration.between(Instant.ofEpochSecond(vm.getCreated().getSeconds()), now);
            // --ttl: the time left before it is deleted.
            String ttl = vm.hasExpires() ? Durations.human(Duration.between(now,
                    Instant.ofEpochSecond(vm.getExpires().getSeconds()))) + " left" : "-";
            t.row(vm.getName(), vm.getState().name().toLowerCase(Locale.ROOT), vm.getImageName(),
                    vm.getIp().isEmpty() ? "-" : vm.getIp(), vm.getVcpu(), vm.getMemoryMib() + " MiB",
                    Durations.human(age), ttl);
        }
        return t.render();
    }

    static String json(List<Vm> vms) {
        return Json.array(vms);
    }
}
