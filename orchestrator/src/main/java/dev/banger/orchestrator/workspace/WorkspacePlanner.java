package dev.banger.orchestrator.workspace;

import dev.banger.common.errors.InvalidArgumentException;
import dev.banger.common.exec.CommandRunner;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a prepare request and works out its plan on the host (WS-1). Every refusal
 * happens here, before any VM is created or touched: --from without --branch, a bad
 * guest path or branch name, a path outside a repository, a bare repository,
 * submodules in shallow mode.
 */
public final class WorkspacePlanner {
    private static final Pattern GUEST_PATH = Pattern.compile("(/[A-Za-z0-9._+-]+){2,}");
    /** A workspace replaces its directory: never one of the system's own. */
    private static final Set<String> SYSTEM_DIRS = Set.of("bin", "boot", "dev", "etc", "lib", "lib32", "lib64",
            "proc", "run", "sbin", "sys", "usr", "var");

    private final CommandRunner run;

    public WorkspacePlanner(CommandRunner run) {
        this.run = run;
    }

    public WorkspacePlan plan(WorkspaceRequest r) {
        if (r.from() != null && r.branch() == null) {
            throw new InvalidArgumentException("--from says where a new guest branch starts: give --branch NAME too");
        }
        String guestPath = guestPath(r.guestPath());
        if (r.branch() != null) {
            requireBranchName(r.branch());
        }
        HostRepo repo = HostRepo.enclosing(r.hostPath(), run);
        List<HostRepo.Tracked> tracked = repo.tracked();
        List<String> submodules = tracked.stream().filter(t -> t.mode().equals(HostRepo.SUBMODULE_MODE))
                .map(HostRepo.Tracked::path).toList();
        if (r.mode() == WorkspaceMode.SHALLOW && !submodules.isEmpty()) {
            throw new InvalidArgumentException("the repository has submodules (" + String.join(", ", submodules)
                    + "), which a shallow clone cannot carry: use --mode full_copy");
        }
        if (r.mode() == WorkspaceMode.FULL_COPY && !Files.isDirectory(repo.root().resolve(".git"),
                LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidArgumentException(repo.root() + " is a linked worktree (its .git is a file):"
                    + " full_copy needs the main checkout, or use the default shallow mode");
        }
        String head = repo.commit(r.from() == null ? "HEAD" : r.from());
        String hostBranch = repo.branch().orElse(null);
        String guestBranch = r.branch() != null ? r.branch() : hostBranch;
        List<String> untracked = r.includeUntracked() ? repo.untracked() : List.of();
        List<String> files;
        List<String> overlay = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        if (r.mode() == WorkspaceMode.FULL_COPY) {
            Set<String> all = new LinkedHashSet<>(repo.trackedWithSubmodules());
            all.addAll(repo.submoduleGitFiles());
            all.addAll(untracked);
            files = all.stream().filter(p -> exists(repo.root().resolve(p))).toList();
        } else if (r.from() != null) {
            files = repo.filesAt(head);
        } else {
            HostRepo.Changes changes = repo.changesAgainst(head);
            Set<String> sent = new LinkedHashSet<>(changes.changed());
            sent.addAll(untracked);
            sent.removeIf(p -> !exists(repo.root().resolve(p)));
            overlay.addAll(sent);
            deleted.addAll(changes.deleted());
            deleted.removeAll(sent);
            Set<String> all = new LinkedHashSet<>();
            tracked.forEach(t -> all.add(t.path()));
            all.removeAll(deleted);
            all.addAll(sent);
            all.removeIf(p -> !exists(repo.root().resolve(p)));
            files = List.copyOf(all);
        }
        return new WorkspacePlan(repo, r, guestPath, head, hostBranch, guestBranch, repo.origin().orElse(null),
                files, List.copyOf(overlay), List.copyOf(deleted), ToolPins.detect(repo.root()));
    }

    /** Absolute, normalised, two levels deep at least, and not a system directory. */
    static String guestPath(String p) {
        String path = p == null || p.isEmpty() ? WorkspaceRequest.DEFAULT_GUEST_PATH : p;
        if (!GUEST_PATH.matcher(path).matches() || !Path.of(path).normalize().toString().equals(path)
                || path.contains("/./") || path.contains("/../") || path.endsWith("/..") || path.endsWith("/.")) {
            throw new InvalidArgumentException("--guest-path must be an absolute path two levels deep or more, made of"
                    + " letters, digits and ._+- (such as /root/repo), got '" + path + "'");
        }
        String top = path.split("/")[1];
        if (SYSTEM_DIRS.contains(top)) {
            throw new InvalidArgumentException("--guest-path " + path + " is inside /" + top
                    + ", which belongs to the guest's system: use a path under /root, /home, /srv or /opt");
        }
        return path;
    }

    private void requireBranchName(String branch) {
        if (!run.run(List.of("git", "check-ref-format", "--branch", branch), Duration.ofSeconds(10)).ok()
                || branch.startsWith("-")) {
            throw new InvalidArgumentException("'" + branch + "' is not a valid git branch name");
        }
    }

    private static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }
}
