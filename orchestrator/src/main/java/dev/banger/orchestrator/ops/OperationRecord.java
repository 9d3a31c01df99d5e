package dev.banger.orchestrator.ops;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One row of the operations log with the VMs it touched (by name, oldest first). */
public record OperationRecord(String id, String kind, List<String> vms, OperationState state, String error,
        Instant startedAt, Optional<Instant> finishedAt) {
}
