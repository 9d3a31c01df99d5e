package dev.banger.orchestrator.workspace;

/** Where a workspace operation reports its phases (RUN-4) and its warnings. */
public interface WorkspaceProgress {
    void phase(String phase, String detail);

    /** Something the user should know even when progress is not shown (a failed install). */
    void warning(String message);
}
