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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "vm", description = "Create, run and manage VMs.", mixinStandardHelpOptions = true)
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
