package dev.banger.orchestrator.reach;

import dev.banger.common.errors.FailedPreconditionException;
import dev.banger.common.errors.Reason;
import dev.banger.common.layout.VmDir;
import dev.banger.orchestrator.agent.AgentCalls;
import dev.banger.orchestrator.agent.AgentClient;
import dev.banger.orchestrator.lifecycle.VmLifecycle;
import dev.banger.orchestrator.lifecycle.Workers;
import dev.banger.orchestrator.store.VmRecord;
import dev.banger.orchestrator.store.VmState;
import dev.banger.orchestrator.store.VmStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Ports, stats and logs of VMs (NET-6, VM-11): the guest agent, /proc on the host and the VM's files. */
@ApplicationScoped
public class VmReach {
    static final Duration AGENT_TIMEOUT = Duration.ofSeconds(5);
    /** An agent's JVM starting at its first connection: seconds in an emulated guest, more on a busy host. */
    static final Duration AGENT_START = Duration.ofSeconds(30);
    /** /proc counts CPU in 10 ms ticks: a second's sample gives the percentage to 1 %. */
    static final long CPU_SAMPLE_MILLIS = 1000;
    private final VmStore store;
    private final VmLifecycle lifecycle;
    private final HttpProbe probe = new HttpProbe(Duration.ofSeconds(1), Duration.ofSeconds(2));
    private final VmmUsage usage = new VmmUsage(Path.of("/proc"));
    private final Workers agents = new Workers("vm-stats", 16);

    public VmReach(VmStore store, VmLifecycle lifecycle) {
        this.store = store;
        this.lifecycle = lifecycle;
    }

    public record Stats(VmRecord vm, VmmUsage.Usage usage, Map<String, Long> guest, String agentError) {
    }

    /** The guest's listeners, as the host reaches them, probed for HTTP(S). */
    public List<PortTable.Row> ports(String ref) {
        VmRecord vm = store.resolve(ref);
        String answer = AgentCalls.ask(lifecycle.agentTarget(vm), vm.name(), "ports", AGENT_TIMEOUT, AGENT_START);
        List<PortTable.Row> rows = PortTable.rows(vm.name(), vm.ip(), GuestListener.parse(answer));
        return PortTable.probed(rows, vm.name(), vm.ip(), probe);
    }

    /** Stats of the VMs named, or of every running one; the CPU sample is one for all. */
    public List<Stats> stats(List<String> refs) throws InterruptedException {
        List<VmRecord> vms = new ArrayList<>();
        if (refs.isEmpty()) {
            store.list().stream().filter(v -> v.state() == VmState.RUNNING).forEach(vms::add);
        } else {
            for (String r : refs) {
                VmRecord vm = store.resolve(r);
                if (vm.state() != VmState.RUNNING || vm.vmmPid() == null) {
                    throw new FailedPreconditionException(Reason.VM_NOT_RUNNING, "VM " + vm.name() + " is "
                            + vm.state().label() + ", not running");
                }
                vms.add(vm);
            }
        }
        Map<Long, VmmUsage.Usage> sampled = usage.sample(vms.stream().filter(v -> v.vmmPid() != null)
                .map(VmRecord::vmmPid).toList(), CPU_SAMPLE_MILLIS);
        // Every VM's agent at once, after the CPU sample (an agent starting at its first
        // connection would count in its VM's CPU): a fresh VM's first answer takes its JVM's start.
        List<Uni<Stats>> asks = new ArrayList<>();
        for (VmRecord vm : vms) {
            VmmUsage.Usage u = sampled.getOrDefault(vm.vmmPid(), new VmmUsage.Usage(0, 0));
            asks.add(agents.run(() -> {
                try {
                    // A VM whose agent does not listen gets an error in its line after a brief
                    // wait; one whose agent's JVM starts at this very call gets the time it takes.
                    return new Stats(vm, u, keyValues(AgentClient.callWhenUp(lifecycle.agentTarget(vm), "stats",
                            AGENT_TIMEOUT, Duration.ofSeconds(3), AGENT_START)), "");
                } catch (IOException | RuntimeException e) {
                    return new Stats(vm, u, Map.of(), e.getMessage());
                }
            }));
        }
        return asks.isEmpty() ? List.of() : Workers.await(Uni.join().all(asks).andCollectFailures());
    }

    /** The VMM log or the serial console; with follow, until stop. */
    public void logs(String ref, boolean console, boolean follow, Consumer<byte[]> send, BooleanSupplier stop) {
        VmRecord vm = store.resolve(ref);
        VmDir dir = new VmDir(Path.of(vm.dir()));
        LogTail.stream(console ? dir.consoleLog() : dir.vmmLog(), 0, follow, send, stop);
    }

    static Map<String, Long> keyValues(String text) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 2) {
                try {
                    out.put(f[0], Long.parseLong(f[1]));
                } catch (NumberFormatException e) {
                    // not a figure
                }
            }
        }
        return out;
    }
}
