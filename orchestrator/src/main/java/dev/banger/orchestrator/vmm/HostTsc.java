package dev.banger.orchestrator.vmm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's TSC frequency, which an emulated (TCG) guest reads as its own: QEMU's
 * RDTSC under TCG returns the host's counter. microvm has no HPET and no ACPI PM timer,
 * so a guest kernel can only calibrate its TSC against the PIT; when the host is busy
 * (several VMs booting at once) that calibration fails, and the kernel then hangs in
 * its delay-loop calibration before printing anything. Handing the guest the frequency
 * (tsc_early_khz) skips both calibrations.
 */
public final class HostTsc {
    private static final Pattern MHZ = Pattern.compile("(?m)^cpu MHz\\s*:\\s*([0-9]+(?:\\.[0-9]+)?)\\s*$");
    private static final Pattern FLAGS = Pattern.compile("(?m)^flags\\s*:(.*)$");

    private HostTsc() {
    }

    /** From /proc/cpuinfo and /sys; empty where the frequency cannot be known for sure. */
    public static OptionalLong detect() {
        try {
            return khz(Files.readString(Path.of("/proc/cpuinfo")), Path.of("/sys/devices/system/cpu/cpu0/cpufreq"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * With cpufreq, "cpu MHz" is the current clock, not the TSC's: intel_pstate's base
     * frequency is then the TSC rate. Without cpufreq (most VMs), "cpu MHz" is the
     * kernel's boot-time cpu_khz, which is the TSC rate on a constant-TSC CPU.
     */
    static OptionalLong khz(String cpuinfo, Path cpufreqDir) throws IOException {
        Matcher flags = FLAGS.matcher(cpuinfo);
        if (!flags.find() || !(" " + flags.group(1) + " ").contains(" constant_tsc ")) {
            return OptionalLong.empty();
        }
        if (Files.isDirectory(cpufreqDir)) {
            Path base = cpufreqDir.resolve("base_frequency");
            return Files.isReadable(base) ? OptionalLong.of(Long.parseLong(Files.readString(base).strip()))
                    : OptionalLong.empty();
        }
        Matcher mhz = MHZ.matcher(cpuinfo);
        if (!mhz.find()) {
            return OptionalLong.empty();
        }
        long khz = Math.round(Double.parseDouble(mhz.group(1)) * 1000);
        return khz > 0 ? OptionalLong.of(khz) : OptionalLong.empty();
    }
}
