package dev.banger.orchestrator.workspace;

import static dev.banger.common.exec.ShellQuote.quote;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The commands a workspace runs in the guest, as root, over SSH. Every value from the
 * host is single-quoted. A prepare builds the new checkout beside the old one and swaps
 * it in at the end, so a failure half-way leaves the guest's checkout as it was; the
 * one it replaces is kept once, at PATH.banger-previous.
 */
public final class GuestScripts {
    /** Exit status a script uses for a refusal whose stderr is the message for the user. */
    public static final int REFUSED = 3;
    /** Inside the new checkout's git dir while it is built: NUL-separated paths the host deleted. */
    static final String DELETED_LIST = ".git/banger-deleted";

    private GuestScripts() {
    }

    static String staging(String guestPath) {
        return guestPath + ".banger-new";
    }

    static String previous(String guestPath) {
        return guestPath + ".banger-previous";
    }

    /** Shallow, step 1: a fresh repository beside the checkout takes the host's pack and its index (a tar on stdin). */
    public static String receivePack(String guestPath) {
        String n = quote(staging(guestPath));
        return "set -eu; command -v git >/dev/null || { echo 'this image has no git' >&2; exit " + REFUSED + "; }; "
                + "rm -rf -- " + n + "; mkdir -p -- " + n + "; cd -- " + n + "; "
                + "git -c init.defaultBranch=banger-import init -q; tar -x --no-same-owner -C .git/objects/pack -f -";
    }

    /**
     * Shallow, step 2: refs, shallow boundary, origin and the repository's identity; the
     * commit checked out; then the host's deletions and the overlay tar (stdin) applied.
     */
    public static String finishShallow(WorkspacePlan plan, Set<String> boundary, String localName, String localEmail) {
        StringBuilder s = new StringBuilder("set -eu; cd -- ").append(quote(staging(plan.guestPath()))).append("; ");
        if (!boundary.isEmpty()) {
            s.append("printf '%s\\n' ").append(boundary.stream().collect(Collectors.joining(" ")))
                    .append(" > .git/shallow; ");
        }
        String head = plan.headCommit();
        if (plan.hostBranch() != null && plan.carriesLocalChanges()) {
            s.append("git update-ref ").append(quote("refs/heads/" + plan.hostBranch())).append(' ').append(head)
                    .append("; ");
        }
        s.append(checkout(plan, head));
        s.append(repoConfig(plan, localName, localEmail));
        s.append("git reset -q --hard; ");
        s.append("tar -x -U --recursive-unlink --no-same-owner -f -; ");
        s.append("if [ -f ").append(DELETED_LIST).append(" ]; then xargs -0 -r rm -f -- < ").append(DELETED_LIST)
                .append("; rm -f ").append(DELETED_LIST).append("; fi; ");
        s.append(swapIn(plan.guestPath()));
        return s.toString();
    }

    /** full_copy: the whole repository directory from the tar on stdin, then the branch asked for. */
    public static String receiveFullCopy(WorkspacePlan plan) {
        String n = quote(staging(plan.guestPath()));
        StringBuilder s = new StringBuilder("set -eu; rm -rf -- ").append(n).append("; mkdir -p -- ").append(n)
                .append("; cd -- ").append(n).append("; tar -x --no-same-owner -f -; ");
        if (plan.request().branch() != null) {
            if (plan.carriesLocalChanges()) {
                s.append("git checkout -q -b ").append(quote(plan.request().branch())).append("; ");
            } else {
                s.append("git reset -q --hard; git checkout -q -B ").append(quote(plan.request().branch())).append(' ')
                        .append(plan.headCommit()).append("; ");
            }
        }
        s.append(swapIn(plan.guestPath()));
        return s.toString();
    }

    private static String checkout(WorkspacePlan plan, String head) {
        if (plan.guestBranch() == null) {
            return "git update-ref --no-deref HEAD " + head + "; ";
        }
        String ref = quote("refs/heads/" + plan.guestBranch());
        return "git update-ref " + ref + " " + head + "; git symbolic-ref HEAD " + ref + "; ";
    }

    private static String repoConfig(WorkspacePlan plan, String localName, String localEmail) {
        StringBuilder s = new StringBuilder();
        if (plan.origin() != null) {
            s.append("git remote add origin ").append(quote(plan.origin())).append("; ");
        }
        if (localName != null) {
            s.append("git config user.name ").append(quote(localName)).append("; ");
        }
        if (localEmail != null) {
            s.append("git config user.email ").append(quote(localEmail)).append("; ");
        }
        return s.toString();
    }

    /**
     * The index's file stamps refreshed (git status stays fast: files written in the second
     * the index was are "racily clean" until then, and reset --hard writes thousands), then
     * the new checkout replaces the old, which is kept once; the one kept before is deleted
     * in the background (thousands of files took up to ~1 s under emulation), as is any a
     * stopped VM left half deleted. The path is a safe.directory (root owns it, but tools
     * that run git as another user meet the same checkout).
     */
    private static String swapIn(String guestPath) {
        String p = quote(guestPath);
        String prev = quote(previous(guestPath));
        String gone = prev + ".banger-gone-";
        return "git update-index -q --refresh >/dev/null 2>&1 || true; cd /; "
                + "if [ -e " + prev + " ]; then mv -- " + prev + " " + gone + "$$; fi; "
                + "if [ -e " + p + " ]; then mv -- " + p + " " + prev + "; fi; "
                + "mkdir -p -- \"$(dirname -- " + p + ")\"; mv -- " + quote(staging(guestPath)) + " " + p + "; "
                + "(setsid rm -rf -- " + gone + "* </dev/null >/dev/null 2>&1 &); "
                + "git config --system --get-all safe.directory 2>/dev/null | grep -qxF -- " + p
                + " || git config --system --add safe.directory " + p;
    }

    /**
     * WS-2: everything the guest changed since base as one binary patch on stdout:
     * commits, staged and unstaged edits, new files git does not ignore, deletions. The
     * guest's own index is never touched: a copy inside the git dir takes the `add -A`
     * (a temp index elsewhere, such as on tmpfs, could not be renamed next to it).
     */
    public static String export(String guestPath, String base) {
        String b = quote(base + "^{commit}");
        // One git for the git dir and the base's check: each exec costs ~60-90 ms under emulation.
        return "set -eu; cd -- " + quote(guestPath) + "; nl='\n'; "
                + "found=$(git rev-parse --absolute-git-dir --verify -q " + b + " 2>/dev/null) || { echo \"base commit "
                + base + " is not in the guest's repository at " + guestPath + "\" >&2; exit " + REFUSED + "; }; "
                + "gd=${found%%\"$nl\"*}; idx=\"$gd/banger-export-index.$$\"; "
                + "trap 'rm -f -- \"$idx\" \"$idx.lock\"' EXIT; "
                + "if [ -f \"$gd/index\" ]; then cp -- \"$gd/index\" \"$idx\"; fi; "
                + "GIT_INDEX_FILE=\"$idx\" git add -A; "
                + "GIT_INDEX_FILE=\"$idx\" git diff --cached --binary --full-index --no-color --no-ext-diff --no-textconv"
                + " --src-prefix=a/ --dst-prefix=b/ " + quote(base);
    }

    /**
     * RUN-6: the pinned tools installed with mise (mise's own files in the checkout, the
     * other pins globally so the checkout is not edited). Without mise: a refusal.
     */
    public static String bootstrap(String guestPath, List<ToolPins.Pin> pins, boolean miseFiles) {
        StringBuilder s = new StringBuilder("set -eu; cd -- ").append(quote(guestPath)).append("; ")
                .append("command -v mise >/dev/null || { echo 'mise is not in this image (the dev image has it:"
                        + " banger image build dev --from debian:bookworm --preset dev)' >&2; exit ")
                .append(REFUSED).append("; }; export MISE_YES=1 MISE_TRUSTED_CONFIG_PATHS=")
                .append(quote(guestPath)).append("; ");
        if (miseFiles) {
            s.append("mise install; ");
        }
        List<String> others = pins.stream().filter(p -> !ToolPins.MISE_FILES.contains(p.source()))
                .map(p -> quote(p.spec())).toList();
        if (!others.isEmpty()) {
            s.append("mise use -g ").append(String.join(" ", others)).append("; ");
        }
        return s.append("true").toString();
    }
}
