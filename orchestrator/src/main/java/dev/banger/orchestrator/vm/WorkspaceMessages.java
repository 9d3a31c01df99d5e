package dev.banger.orchestrator.vm;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.orchestrator.workspace.ToolPins;
import dev.banger.orchestrator.workspace.WorkspaceMode;
import dev.banger.orchestrator.workspace.WorkspacePlan;
import dev.banger.orchestrator.workspace.WorkspaceRequest;
import dev.banger.proto.api.v1.ToolPin;
import dev.banger.proto.api.v1.WorkspacePrepareRequest;
import java.nio.file.Path;

/** Workspace API messages to domain types and back. */
final class WorkspaceMessages {
    private WorkspaceMessages() {
    }

    static WorkspaceRequest request(WorkspacePrepareRequest r) {
        if (r.getHostPath().isEmpty()) {
            throw new InvalidArgumentException("host_path is required (an absolute path inside the repository)");
        }
        return new WorkspaceRequest(Path.of(r.getHostPath()), r.getGuestPath(), mode(r.getMode()),
                r.getIncludeUntracked(), emptyToNull(r.getBranch()), emptyToNull(r.getFrom()));
    }

    static WorkspaceMode mode(dev.banger.proto.api.v1.WorkspaceMode m) {
        return m == dev.banger.proto.api.v1.WorkspaceMode.FULL_COPY ? WorkspaceMode.FULL_COPY : WorkspaceMode.SHALLOW;
    }

    static dev.banger.proto.api.v1.WorkspaceMode toProto(WorkspaceMode m) {
        return m == WorkspaceMode.FULL_COPY ? dev.banger.proto.api.v1.WorkspaceMode.FULL_COPY
                : dev.banger.proto.api.v1.WorkspaceMode.SHALLOW;
    }

    static dev.banger.proto.api.v1.WorkspacePlan toProto(WorkspacePlan p) {
        dev.banger.proto.api.v1.WorkspacePlan.Builder b = dev.banger.proto.api.v1.WorkspacePlan.newBuilder()
                .setRepoRoot(p.repo().root().toString()).setHeadCommit(p.headCommit()).setMode(toProto(p.mode()))
                .setGuestPath(p.guestPath()).setFiles(p.files().size()).setOverlayFiles(p.overlay().size())
                .setDeletedFiles(p.deleted().size());
        if (p.hostBranch() != null) {
            b.setHostBranch(p.hostBranch());
        }
        if (p.guestBranch() != null) {
            b.setGuestBranch(p.guestBranch());
        }
        for (ToolPins.Pin pin : p.tools()) {
            b.addTools(ToolPin.newBuilder().setTool(pin.tool()).setVersion(pin.version()).setSource(pin.source()));
        }
        return b.build();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
