package dev.banger.orchestrator.workspace;

/** How a repository goes into the guest (WS-1). */
public enum WorkspaceMode {
    /** A depth-10 clone at the host's commit, with the host's working tree laid over it. */
    SHALLOW,
    /** The whole repository directory, .git and submodules included. */
    FULL_COPY
}
