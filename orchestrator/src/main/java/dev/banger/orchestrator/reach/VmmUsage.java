package dev.banger.orchestrator.reach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU and memory of VMM processes (VM-11), from /proc: CPU is the share of one host CPU
 * the process used over a short sample (utime + stime, in clock ticks), RSS is VmRSS.
 */
public final class VmmUsage {
    /** Linux's USER_HZ: /proc reports CPU times in these ticks on every architecture banger runs on. */
    static final long TICKS_PER_SECOND = 100;
    private final Path proc;

    public record Usage(double cpuPercent, long rssBytes) {
    }

    public VmmUsage(Path proc) {
        this.proc = proc;
    }

    /** Usage of every pid, sampled together over sampleMillis; a pid that is gone is left out. */
    public Map<Long, Usage> sample(List<Long> pids, long sampleMillis) throws InterruptedException {
        Map<Long, Long> before = new HashMap<>();
        pids.forEach(p -> cpuTicks(p).ifPresent(t -> before.put(p, t)));
        long t0 = System.nanoTime();
        Thread.sleep(sampleMillis);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<Long, Usage> out = new HashMap<>();
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            Optional<Long> after = cpuTicks(e.getKey());
            Optional<Long> rss = rssBytes(e.getKey());
            if (after.isPresent() && rss.isPresent()) {
                double used = (after.get() - e.getValue()) / (double) TICKS_PER_SECOND;
                out.put(e.getKey(), new Usage(Math.round(used / seconds * 1000) / 10.0, rss.get()));
            }
        }
        return out;
    }

    /** utime + stime: fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the command name. */
    Optional<Long> cpuTicks(long pid) {
        try {
            String stat = Files.readString(proc.resolve(pid + "/stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    Optional<Long> rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(pid + "/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024);
                }
            }
            return Optional.of(0L);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
