package dev.banger.cli.ops;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.output.Json;
import dev.banger.cli.output.OutputFormat;
import dev.banger.cli.output.Table;
import dev.banger.common.rpc.Timestamps;
import dev.banger.proto.api.v1.ListOperationsRequest;
import dev.banger.proto.api.v1.Operation;
import dev.banger.proto.api.v1.SystemGrpc;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ops", mixinStandardHelpOptions = true,
        description = "The operations log: what changed state, when, how long it took and why it failed (op ids"
                + " match the errors and the service logs).")
public class OpsCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Option(names = "--vm", paramLabel = "NAME", description = "only operations on this VM (deleted ones too)")
    String vm = "";
    @Option(names = "-n", paramLabel = "N", defaultValue = "20",
            description = "the newest N operations (default: ${DEFAULT-VALUE})")
    int limit;
    @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "-n must be at least 1, got " + limit);
        }
        List<Operation> ops = Orchestrator.call(ch -> SystemGrpc.newBlockingStub(ch).withDeadlineAfter(10,
                TimeUnit.SECONDS).listOperations(ListOperationsRequest.newBuilder().setVm(vm).setLimit(limit).build()))
                .getOperationsList();
        System.out.print(format == OutputFormat.json ? Json.array(ops) : table(ops, ZoneId.systemDefault()));
        return 0;
    }

    static String table(List<Operation> ops, ZoneId zone) {
        Table t = new Table("OP", "KIND", "VM", "STATE", "STARTED", "TOOK", "ERROR");
        for (Operation o : ops) {
            Instant started = Timestamps.instant(o.getStarted());
            String took = o.hasFinished() ? seconds(Duration.between(started, Timestamps.instant(o.getFinished()))) : "-";
            t.row(o.getId(), o.getKind(), o.getVmsCount() == 0 ? "-" : String.join(",", o.getVmsList()), o.getState(),
                    WHEN.format(started.atZone(zone)), took, o.getError());
        }
        return t.render();
    }

    private static String seconds(Duration d) {
        return String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
