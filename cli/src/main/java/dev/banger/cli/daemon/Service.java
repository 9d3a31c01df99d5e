package dev.banger.cli.daemon;

import java.util.List;

/** The four banger services, by the short name used for sockets, logs and pid files. */
public enum Service {
    NET("net", "net-service", 96),
    STORAGE("storage", "storage-service", 96),
    /** Builds hold a kernel image in memory. */
    IMAGE("image", "image-service", 256),
    ORCHESTRATOR("orchestrator", "orchestrator", 96);

    /** The orchestrator goes first, so nothing calls a service that is already gone. */
    public static final List<Service> STOP_ORDER = List.of(ORCHESTRATOR, IMAGE, STORAGE, NET);

    private final String shortName;
    private final String module;
    private final int maxHeapMib;

    Service(String shortName, String module, int maxHeapMib) {
        this.shortName = shortName;
        this.module = module;
        this.maxHeapMib = maxHeapMib;
    }

    /** The heap cap: small, since idle footprint matters, but enough for the service's largest job. */
    public int maxHeapMib() {
        return maxHeapMib;
    }

    public String shortName() {
        return shortName;
    }

    /** The build module (and install directory) the service's jar comes from. */
    public String module() {
        return module;
    }
}
