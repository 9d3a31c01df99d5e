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

    /**
     * What the kernel command line gets: nothing for the default. systemd lists each unit it
     * starts on the console (quiet would have it print nothing unless a unit fails), by name
     * and without colours: a guest that never answers SSH then shows, in the error, how far
     * its boot got, in plain lines.
     */
    public String kernelArg() {
        return this == SYSTEMD ? " banger.init=systemd systemd.show_status=true systemd.log_color=0"
                + " systemd.status_unit_format=name" : "";
    }

    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static GuestInit ofColumn(String v) {
        return v == null ? LEAN : valueOf(v.toUpperCase(Locale.ROOT));
    }
}
