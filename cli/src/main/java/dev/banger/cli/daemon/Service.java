package dev.banger.cli.daemon;

import java.util.List;

/** The four banger services, by the short name used for sockets, logs and pid files. */
public enum Service {
    NET("net", "net-service"),
    STORAGE("storage", "storage-service"),
    IMAGE("image", "image-service"),
    ORCHESTRATOR("orchestrator", "orchestrator");

    /** The orchestrator goes first, so nothing calls a service that is already gone. */
    public static final List<Service> STOP_ORDER = List.of(ORCHESTRATOR, IMAGE, STORAGE, NET);

    private final String shortName;
    private final String module;

    Service(String shortName, String module) {
        this.shortName = shortName;
        this.module = module;
    }

    public String shortName() {
        return shortName;
    }

    /** The build module (and install directory) the service's jar comes from. */
    public String module() {
        return module;
    }
}
