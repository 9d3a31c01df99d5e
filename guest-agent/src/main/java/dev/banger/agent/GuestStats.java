package dev.banger.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guest's side of `vm stats` (VM-11): memory and uptime as the guest kernel sees them,
 * as {@code KEY VALUE} lines: mem_total_bytes, mem_available_bytes, uptime_seconds.
 */
final class GuestStats {
    private final Path proc;

    GuestStats(Path proc) {
        this.proc = proc;
    }

    String describe() throws IOException {
        long total = -1;
        long available = -1;
        for (String line : Files.readAllLines(proc.resolve("meminfo"), StandardCharsets.US_ASCII)) {
            String[] f = line.split("\\s+");
            if (f.length >= 2 && f[0].equals("MemTotal:")) {
                total = Long.parseLong(f[1]) * 1024;
            } else if (f.length >= 2 && f[0].equals("MemAvailable:")) {
                available = Long.parseLong(f[1]) * 1024;
            }
        }
        String uptime = Files.readString(proc.resolve("uptime"), StandardCharsets.US_ASCII).trim().split("\\s+")[0];
        return "mem_total_bytes " + total + "\nmem_available_bytes " + available + "\nuptime_seconds "
                + (long) Double.parseDouble(uptime) + "\n";
    }
}
