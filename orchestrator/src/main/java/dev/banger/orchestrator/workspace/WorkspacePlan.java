package dev.banger.orchestrator.workspace;

import java.util.List;

/**
 * What a prepare will do, worked out on the host alone (WS-1): the commit the guest
 * will be at, its branch, the files it will hold, which of them go as the host has them
 * (the overlay) and which the host deleted. Nothing has touched a guest yet.
 */
public record WorkspacePlan(HostRepo repo, WorkspaceRequest request, String guestPath, String headCommit,
        String hostBranch, String guestBranch, String origin, List<String> files, List<String> overlay,
        List<String> deleted, List<ToolPins.Pin> tools) {
    public WorkspaceMode mode() {
        return request.mode();
    }

    /** With --from the guest starts at another commit: the host's local changes do not apply there. */
    public boolean carriesLocalChanges() {
        return request.from() == null;
    }
}
