package dev.banger.orchestrator.workspace;

import java.nio.file.Path;

/**
 * What a user asks of workspace prepare (WS-1): the host path (anywhere inside the
 * repository), where it goes in the guest, and how. branch/from may be null.
 */
public record WorkspaceRequest(Path hostPath, String guestPath, WorkspaceMode mode, boolean includeUntracked,
        String branch, String from) {
    public static final String DEFAULT_GUEST_PATH = "/root/repo";
}
