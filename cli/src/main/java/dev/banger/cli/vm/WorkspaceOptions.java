package dev.banger.cli.vm;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import dev.banger.proto.api.v1.WorkspaceMode;
import dev.banger.proto.api.v1.WorkspacePrepareRequest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What `vm workspace prepare` and `vm run` accept about the repository they put in the VM (WS-1). */
public class WorkspaceOptions {
    /** The ways a repository goes in, as typed. */
    enum Mode {
        shallow, full_copy
    }

    @Option(names = "--mode", description = "shallow (a depth-10 clone plus your working tree, the default) or"
            + " full_copy (the whole repository, .git and submodules)")
    Mode mode;
    @Option(names = "--guest-path", description = "where the checkout goes in the VM (default: /root/repo)")
    String guestPath;
    @Option(names = "--include-untracked", description = "send untracked files too (ignored files never go)")
    boolean includeUntracked;
    @Option(names = "--branch", description = "create and check out this branch in the VM only")
    String branch;
    @Option(names = "--from", description = "where that branch starts (a commit or ref of the host repository)")
    String from;

    /** Checked here so that vm run refuses before it creates a VM; the daemon checks again. */
    WorkspacePrepareRequest.Builder request(Path hostPath) {
        if (from != null && branch == null) {
            throw new UserError(ErrorKind.BAD_REQUEST, "--from says where a new guest branch starts: give --branch NAME too");
        }
        WorkspacePrepareRequest.Builder b = WorkspacePrepareRequest.newBuilder().setHostPath(hostPath.toString())
                .setMode(mode == Mode.full_copy ? WorkspaceMode.FULL_COPY : WorkspaceMode.SHALLOW)
                .setIncludeUntracked(includeUntracked);
        if (guestPath != null) {
            b.setGuestPath(guestPath);
        }
        if (branch != null) {
            b.setBranch(branch);
        }
        if (from != null) {
            b.setFrom(from);
        }
        return b;
    }

    /** PATH as typed, against the current directory; one that does not exist is refused. */
    static Path hostPath(String path) {
        Path p = Path.of(path == null ? "" : path).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new UserError(ErrorKind.BAD_REQUEST, "no such file or directory: " + p);
        }
        return p;
    }

    /** Whether p is inside a git working tree (a .git directory or file in it or above it). */
    static boolean insideRepository(Path p) {
        for (Path d = Files.isDirectory(p) ? p : p.getParent(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }
}
