package dev.banger.cli.vm;

import dev.banger.cli.Orchestrator;
import dev.banger.cli.daemon.Durations;
import dev.banger.cli.output.Sizes;
import dev.banger.cli.output.Table;
import dev.banger.proto.api.v1.LogChunk;
import dev.banger.proto.api.v1.LogsRequest;
import dev.banger.proto.api.v1.Port;
import dev.banger.proto.api.v1.VmStats;
import dev.banger.proto.api.v1.VmsGrpc;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Output of vm ports, stats and logs (NET-6, VM-11). */
final class Reach {
    private Reach() {
    }

    static String portsTable(List<Port> ports) {
        Table t = new Table("PROTO", "ENDPOINT", "PROCESS", "COMMAND");
        for (Port p : ports) {
            String endpoint = !p.getUrl().isEmpty() ? p.getUrl()
                    : p.getEndpoint() + (p.getReachable() ? "" : " (guest only)");
            t.row(p.getProto(), endpoint, p.getProcess().isEmpty() ? "-" : p.getProcess(),
                    p.getCommand().isEmpty() ? "-" : shorten(p.getCommand(), 60));
        }
        return t.render();
    }

    static String statsTable(List<VmStats> stats) {
        Table t = new Table("NAME", "CPU", "VMM RSS", "GUEST MEM USED", "GUEST MEM TOTAL", "UPTIME");
        for (VmStats s : stats) {
            boolean guest = s.getAgentError().isEmpty();
            t.row(s.getName(), String.format("%.1f%%", s.getCpuPercent()), Sizes.human(s.getRssBytes()),
                    guest ? Sizes.human(s.getGuestMemoryTotalBytes() - s.getGuestMemoryAvailableBytes()) : "-",
                    guest ? Sizes.human(s.getGuestMemoryTotalBytes()) : "-",
                    guest ? Durations.human(Duration.ofSeconds(s.getGuestUptimeSeconds())) : "-");
        }
        StringBuilder out = new StringBuilder(t.render());
        stats.stream().filter(s -> !s.getAgentError().isEmpty()).forEach(s -> out.append("banger: ").append(s.getName())
                .append(": no guest figures: ").append(s.getAgentError()).append('\n'));
        return out.toString();
    }

    /** Streams the log to stdout as raw bytes; without -f the call is bounded. */
    static void logs(String ref, boolean follow, boolean console) {
        print(follow, stub -> stub.logs(LogsRequest.newBuilder().setRef(ref).setFollow(follow).setConsole(console).build()));
    }

    /**
     * A stream of chunks (vm logs, vm session logs) to stdout as raw bytes, as they come;
     * a call that does not follow has a deadline.
     */
    static void print(boolean follow, java.util.function.Function<VmsGrpc.VmsBlockingStub, Iterator<LogChunk>> call) {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        Orchestrator.call(ch -> {
            VmsGrpc.VmsBlockingStub stub = VmsGrpc.newBlockingStub(ch);
            Iterator<LogChunk> chunks = call.apply(follow ? stub : stub.withDeadlineAfter(120, TimeUnit.SECONDS));
            try {
                while (chunks.hasNext()) {
                    out.write(chunks.next().getData().toByteArray());
                    out.flush();
                }
            } catch (IOException e) {
                // stdout closed (| head): done
            }
            return null;
        });
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
