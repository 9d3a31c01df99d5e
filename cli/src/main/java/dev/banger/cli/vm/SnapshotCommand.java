package dev.banger.cli.vm;

import dev.banger.cli.daemon.Durations;
import dev.banger.cli.output.Json;
import dev.banger.cli.output.OutputFormat;
import dev.banger.cli.output.Sizes;
import dev.banger.cli.output.Table;
import dev.banger.proto.api.v1.ListSnapshotsRequest;
import dev.banger.proto.api.v1.VmSnapshot;
import dev.banger.proto.api.v1.SnapshotRef;
import dev.banger.proto.api.v1.SnapshotRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `banger vm snapshot VM | list | delete` (SNAP-1); `vm create --from-snapshot S` restores one. */
@Command(name = "snapshot", mixinStandardHelpOptions = true, description = {
    "Save a running VM (memory, devices and disks; it pauses for about a second), or list and delete snapshots.",
    "`banger vm create --from-snapshot S` (or `vm run --from-snapshot S`) starts a VM from one without a boot."})
public class SnapshotCommand implements Callable<Integer> {
    // Optional to picocli, which would otherwise ask for it before `list` and `delete` too.
    @Parameters(paramLabel = "VM", arity = "0..1", description = "the running VM to save")
    String vm;
    @Option(names = "--name", description = "the snapshot's name (default: VM-1, VM-2, ...)")
    String name;

    @Override
    public Integer call() {
        if (vm == null) {
            throw new dev.banger.cli.output.UserError(dev.banger.cli.output.ErrorKind.BAD_REQUEST,
                    "name the VM to save (`banger vm snapshot VM`), or `list` or `delete SNAPSHOT`");
        }
        long t0 = System.nanoTime();
        VmSnapshot s = VmVerbs.call(st -> st.snapshot(SnapshotRequest.newBuilder().setRef(vm)
                .setName(name == null ? "" : name).build()), 600);
        System.out.printf("saved %s as snapshot %s (%s) in %.1f s%n", s.getSourceVm(), s.getName(),
                Sizes.human(s.getSizeBytes()), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "Every snapshot.")
    int list(@Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).") OutputFormat format) {
        List<VmSnapshot> all = VmVerbs.call(st -> st.listSnapshots(ListSnapshotsRequest.getDefaultInstance()), 30)
                .getSnapshotsList();
        if (format == OutputFormat.json) {
            System.out.print(Json.array(all));
            return 0;
        }
        Table t = new Table("NAME", "FROM", "IMAGE", "VCPU", "MEMORY", "SIZE", "AGE");
        Instant now = Instant.now();
        for (VmSnapshot s : all) {
            t.row(s.getName(), s.getSourceVm(), s.getImage(), s.getVcpu(), s.getMemoryMib() + " MiB",
                    Sizes.human(s.getSizeBytes()),
                    Durations.human(Duration.between(Instant.ofEpochSecond(s.getCreated().getSeconds()), now)));
        }
        System.out.print(t.render());
        return 0;
    }

    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
            description = "Delete snapshots (refused while a VM created from one has not started yet).")
    int delete(@Parameters(paramLabel = "SNAPSHOT", arity = "1..*") List<String> refs) {
        for (String ref : refs) {
            VmSnapshot s = VmVerbs.call(st -> st.deleteSnapshot(SnapshotRef.newBuilder().setRef(ref).build()), 120);
            System.out.println("deleted snapshot " + s.getName());
        }
        return 0;
    }
}
