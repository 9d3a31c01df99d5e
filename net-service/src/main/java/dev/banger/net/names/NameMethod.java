package dev.banger.net.names;

import dev.banger.common.errors.InvalidArgumentException;
import java.util.Locale;

/** How the host learns NAME.vm (banger.net.names). */
public enum NameMethod {
    /** resolved where it runs, else the hosts file. */
    AUTO,
    /** systemd-resolved sends .vm queries for the bridge link to the orchestrator's listener. */
    RESOLVED,
    /** a marked block in the hosts file (the namespace's own under `ip netns`). */
    HOSTS_FILE,
    /** the host is not told; only the DNS listener answers. */
    OFF;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static NameMethod fromLabel(String label) {
        for (NameMethod m : values()) {
            if (m.label().equals(label)) {
                return m;
            }
        }
        throw new InvalidArgumentException("banger.net.names must be auto, resolved, hosts-file or off, got " + label);
    }
}
