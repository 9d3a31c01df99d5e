package dev.banger.cli.vm;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.config.BangerPaths;
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
import java.util.concurrent.TimeUnit;
import dev.banger.cli.output.ProgressPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Option;

@Command(name = "vm", description = "Create, run and manage VMs.", mixinStandardHelpOptions = true,
        subcommands = RunCommand.class)
public class VmCommand {

    @Command(name = "list", aliases = "ls", description = "List VMs: name, state, image, IP, vCPU, memory, age.",
            mixinStandardHelpOptions = true)
    int list(@Option(names = {"-o", "--output"}, description = "table or json (default: ${DEFAULT-VALUE}).",
            defaultValue = "table") OutputFormat format) {
        List<Vm> vms;
        try (Orchestrator o = Orchestrator.connect(BangerPaths.fromEnvironment())) {
            vms = VmsGrpc.newBlockingStub(o.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .list(ListVmsRequest.getDefaultInstance()).getVmsList();
        }
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
        ProgressPrinter p = ProgressPrinter.forTerminal(verbose);
        VmVerbs.call(s -> {
            var it = s.start(dev.banger.proto.api.v1.RefsRequest.newBuilder().addAllRefs(refs).build());
            while (it.hasNext()) {
                var e = it.next();
                if (e.hasProgress()) {
                    p.show(e.getProgress());
                } else {
                    System.out.println("started " + e.getVm().getName());
                }
            }
            return null;
        }, 600);
        return 0;
    }

    @Command(name = "stop", description = "Stop VMs without losing data (VM-6).", mixinStandardHelpOptions = true)
    int stop(@Parameters(paramLabel = "VM", arity = "1..*") List<String> refs) {
        return VmVerbs.refs("stopped", refs, s -> s::stop, null, 600);
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

    @Command(name = "ssh", description = "SSH into a VM with banger's key (optionally run a command).",
            mixinStandardHelpOptions = true)
    int ssh(@Parameters(index = "0", paramLabel = "VM") String ref,
            @Parameters(index = "1..*", paramLabel = "CMD") List<String> command) throws Exception {
        List<String> cmd = command == null ? List.of() : command;
        int exit = Ssh.run(VmVerbs.sshTarget(ref), cmd, System.console() != null);
        if (cmd.isEmpty()) {
            System.err.println("banger: " + ref + " is still running; `banger vm stop " + ref + "` when done");
        }
        return exit;
    }

    static String table(List<Vm> vms, Instant now) {
        Table t = new Table("NAME", "STATE", "IMAGE", "IP", "VCPU", "MEMORY", "AGE");
        for (Vm vm : vms) {
            Duration age = Duration.between(Instant.ofEpochSecond(vm.getCreated().getSeconds()), now);
            t.row(vm.getName(), vm.getState().name().toLowerCase(Locale.ROOT), vm.getImageName(),
                    vm.getIp().isEmpty() ? "-" : vm.getIp(), vm.getVcpu(), vm.getMemoryMib() + " MiB",
                    Durations.human(age));
        }
        return t.render();
    }

    static String json(List<Vm> vms) {
        return Json.array(vms);
    }
}
