package dev.banger.orchestrator.ops;

import java.util.Locale;

/** Where an operation is: as stored in operations.state. */
public enum OperationState {
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** The orchestrator stopped (or was killed) before the operation finished. */
    INTERRUPTED;

    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OperationState ofColumn(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
