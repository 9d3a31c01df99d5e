package dev.banger.cli.vm;

import dev.banger.cli.output.ProgressPrinter;
import dev.banger.proto.api.v1.WorkspaceEvent;
import dev.banger.proto.api.v1.WorkspaceExportChunk;
import dev.banger.proto.api.v1.WorkspaceExportRequest;
import dev.banger.proto.api.v1.WorkspacePlan;
import dev.banger.proto.api.v1.WorkspacePrepareRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.function.Consumer;

/** The orchestrator's workspace calls (WS-1, WS-2) with their output. */
final class Workspace {
    private Workspace() {
    }

    static WorkspacePlan plan(WorkspacePrepareRequest r) {
        return VmVerbs.call(s -> s.planWorkspace(r), 120);
    }

    /** Streams a prepare: each dry-run path to dryRunPath, progress to progress; returns the plan. */
    static WorkspacePlan prepare(WorkspacePrepareRequest r, ProgressPrinter progress, Consumer<String> dryRunPath) {
        return VmVerbs.call(s -> {
            WorkspacePlan plan = null;
            for (Iterator<WorkspaceEvent> it = s.workspacePrepare(r); it.hasNext();) {
                WorkspaceEvent e = it.next();
                switch (e.getEventCase()) {
                    case PLAN -> plan = e.getPlan();
                    case PROGRESS -> progress.show(e.getProgress());
                    case DRY_RUN_PATH -> dryRunPath.accept(e.getDryRunPath());
                    default -> { }
                }
            }
            return plan;
        }, 3600);
    }

    /** Writes the patch to out as it comes; returns its base commit. */
    static String export(String ref, String base, OutputStream out) {
        return VmVerbs.call(s -> {
            String commit = "";
            for (Iterator<WorkspaceExportChunk> it = s.workspaceExport(WorkspaceExportRequest.newBuilder().setRef(ref)
                    .setBaseCommit(base == null ? "" : base).build()); it.hasNext();) {
                WorkspaceExportChunk c = it.next();
                if (!c.getBaseCommit().isEmpty()) {
                    commit = c.getBaseCommit();
                }
                try {
                    c.getData().writeTo(out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return commit;
        }, 3600);
    }

    /** One line about a plan: where, at which commit, what goes as the host has it. */
    static String describe(WorkspacePlan p) {
        String at = p.getHeadCommit().substring(0, Math.min(12, p.getHeadCommit().length()));
        String branch = p.getGuestBranch().isEmpty() ? "detached" : "on " + p.getGuestBranch();
        String local = p.getMode() == dev.banger.proto.api.v1.WorkspaceMode.FULL_COPY ? "full copy"
                : p.getOverlayFiles() + " changed, " + p.getDeletedFiles() + " deleted locally";
        return p.getRepoRoot() + " at " + at + " " + branch + ": " + p.getFiles() + " files (" + local + ") -> "
                + p.getGuestPath();
    }
}
