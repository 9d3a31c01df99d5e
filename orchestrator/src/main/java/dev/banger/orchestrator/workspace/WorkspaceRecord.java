package dev.banger.orchestrator.workspace;

import java.time.Instant;

/** A VM's prepared workspace, as recorded (WS-1): where from, how, and at which commit. */
public record WorkspaceRecord(String vmId, String hostPath, String guestPath, WorkspaceMode mode,
        boolean includeUntracked, String branch, String from, String headCommit, String hostFingerprint,
        Instant preparedAt) {
}
