package dev.banger.orchestrator.vmm;

import java.util.Locale;

/**
 * How a VM's guest boots (banger-init reads the kernel command line): LEAN, busybox init
 * supervising sshd and the agent (seconds under emulation), or the image's SYSTEMD
 * (slower; for testing units, services and anything that needs a real init).
 */
public enum GuestInit {
    LEAN,
    SYSTEMD;

    /** What the kernel command line gets: nothing for the default. */
    public String kernelArg() {
        return this == SYSTEMD ? " banger.init=systemd" : "";
    }

    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static GuestInit ofColumn(String v) {
        return v == null ? LEAN : valueOf(v.toUpperCase(Locale.ROOT));
    }
}
