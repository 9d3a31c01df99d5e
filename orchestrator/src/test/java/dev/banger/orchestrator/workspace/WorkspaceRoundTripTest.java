package dev.banger.orchestrator.workspace;

import static dev.banger.orchestrator.workspace.TestRepos.git;
import static dev.banger.orchestrator.workspace.TestRepos.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.banger.common.exec.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepare and export end to end against real repositories, the guest's side run by the
 * same scripts on the host (LocalShell): what lands in the guest is exactly the host's
 * working tree, and a guest's work comes back as a patch that reproduces its tree.
 */
class WorkspaceRoundTripTest {
    @TempDir
    Path tmp;
    Path host;
    Path guest;
    LocalShell shell;
    Workspaces workspaces;
    List<String> phases = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        host = TestRepos.withHistory(tmp.resolve("host"), 30);
        guest = tmp.resolve("guest/root/repo");
        shell = new LocalShell(Files.createDirectories(tmp.resolve("guest-home")));
        workspaces = new Workspaces(new ProcessRunner(), null, null);
    }

    private WorkspacePlan plan(WorkspaceMode mode, boolean untracked, String branch, String from) {
        return workspaces.plan(new WorkspaceRequest(host.resolve("src"), guest.toString(), mode, untracked, branch,
                from));
    }

    private void send(WorkspacePlan plan) throws IOException {
        workspaces.send(shell, plan, new WorkspaceProgress() {
            @Override
            public void phase(String phase, String detail) {
                phases.add(phase);
            }

            @Override
            public void warning(String message) {
                phases.add("warning " + message);
            }
        });
    }

    /** The host's tree as a clean clone of it would have it plus its local changes: what the guest must hold. */
    private Map<String, String> hostTreeWithoutUntracked() throws IOException {
        Map<String, String> t = tree(host);
        for (String u : git(host, "ls-files", "--others").split("\n")) {
            t.remove(u);
        }
        return t;
    }

    @Test
    void shallowPrepareGivesTheGuestExactlyTheHostsWorkingTreeAtTheHostsCommit() throws IOException {
        git(host, "remote", "add", "origin", "https://example.invalid/team/project.git");
        git(host, "config", "user.name", "Repo Local");
        Files.writeString(host.resolve("README.md"), "edited, not committed\n");
        Files.delete(host.resolve("src/pkg/file3.txt"));
        git(host, "mv", "src/pkg/file4.txt", "src/pkg/renamed.txt");
        host.resolve("src/pkg/file5.txt").toFile().setExecutable(true);
        Files.writeString(host.resolve("staged-new.txt"), "added to the index\n");
        git(host, "add", "staged-new.txt");
        Files.delete(host.resolve("link-to-readme"));
        Files.createSymbolicLink(host.resolve("link-to-readme"), Path.of("run.sh"));
        Files.writeString(host.resolve("untracked.txt"), "not tracked\n");
        Files.writeString(host.resolve("debug.log"), "ignored\n");

        WorkspacePlan plan = plan(WorkspaceMode.SHALLOW, false, null, null);
        send(plan);

        assertEquals(hostTreeWithoutUntracked(), tree(guest), "the guest tree is the host's working tree");
        assertFalse(Files.exists(guest.resolve("untracked.txt")), "untracked files stay home");
        assertFalse(Files.exists(guest.resolve("debug.log")), "ignored files never go");
        assertFalse(Files.exists(guest.resolve("src/pkg/file3.txt")), "a deleted file is absent");
        assertTrue(Files.isExecutable(guest.resolve("src/pkg/file5.txt")), "the exec bit is kept");
        assertEquals(Path.of("run.sh"), Files.readSymbolicLink(guest.resolve("link-to-readme")), "symlinks stay links");
        assertEquals(git(host, "rev-parse", "HEAD"), git(guest, "rev-parse", "HEAD"), "HEAD is the host's commit");
        assertEquals("main", git(guest, "symbolic-ref", "--short", "HEAD"), "the host's branch name is kept");
        assertEquals("10", git(guest, "rev-list", "--count", "HEAD"), "a depth-10 history");
        assertEquals("https://example.invalid/team/project.git", git(guest, "remote", "get-url", "origin"));
        assertEquals("Repo Local", git(guest, "config", "--local", "user.name"), "the repository's own identity");
        assertTrue(Files.readString(shell.systemConfig()).contains(guest.toString()), "a safe.directory");
        // In full: the pack's index is the host's (no index-pack in the guest), so its checksums are checked too.
        assertEquals("", git(guest, "fsck", "--no-progress", "--full", "--strict").strip());
        assertEquals(1, git(guest, "count-objects", "-v").lines().filter(l -> l.equals("packs: 1")).count(),
                "one pack, as the host wrote it");
        String status = git(guest, "status", "--porcelain", "--untracked-files=no");
        assertTrue(status.contains("README.md") && status.contains("file3.txt"), "local changes show as changes: "
                + status);
        assertEquals(List.of("send objects", "checkout"), phases);
    }

    @Test
    void aDetachedHeadFarBackIsTheGuestsCommitWithItsOwnWindow() throws IOException {
        String old = git(host, "rev-parse", "HEAD~20");
        git(host, "checkout", "-q", old);
        send(plan(WorkspaceMode.SHALLOW, false, null, null));
        assertEquals(old, git(guest, "rev-parse", "HEAD"));
        assertEquals("HEAD", git(guest, "rev-parse", "--abbrev-ref", "HEAD"), "detached, as on the host");
        assertEquals("10", git(guest, "rev-list", "--count", "HEAD"));
        assertEquals(tree(host), tree(guest));
    }

    @Test
    void untrackedFilesGoOnlyWhenAskedAndIgnoredOnesNever() throws IOException {
        Files.writeString(host.resolve("untracked.txt"), "not tracked\n");
        Files.createDirectories(host.resolve("build"));
        Files.writeString(host.resolve("build/out.bin"), "ignored dir\n");
        WorkspacePlan plan = plan(WorkspaceMode.SHALLOW, true, null, null);
        assertTrue(plan.files().contains("untracked.txt") && !plan.files().contains("build/out.bin"));
        send(plan);
        assertEquals("not tracked\n", Files.readString(guest.resolve("untracked.txt")));
        assertFalse(Files.exists(guest.resolve("build")));
    }

    @Test
    void aGuestBranchFromAnotherRefStartsThereWithoutTheHostsEdits() throws IOException {
        String base = git(host, "rev-parse", "HEAD~5");
        Files.writeString(host.resolve("README.md"), "edited\n");
        send(plan(WorkspaceMode.SHALLOW, false, "agent/task", "HEAD~5"));
        assertEquals("agent/task", git(guest, "symbolic-ref", "--short", "HEAD"));
        assertEquals(base, git(guest, "rev-parse", "HEAD"));
        assertEquals("readme v24\n", Files.readString(guest.resolve("README.md")));
    }

    @Test
    void aGuestBranchAtTheHostsCommitKeepsTheEdits() throws IOException {
        Files.writeString(host.resolve("README.md"), "edited\n");
        send(plan(WorkspaceMode.SHALLOW, false, "agent/task", null));
        assertEquals("agent/task", git(guest, "symbolic-ref", "--short", "HEAD"));
        assertEquals(git(host, "rev-parse", "HEAD"), git(guest, "rev-parse", "main"), "the host's branch is there too");
        assertEquals("edited\n", Files.readString(guest.resolve("README.md")));
    }

    @Test
    void preparingAgainReplacesTheCheckoutAndKeepsThePreviousOnce() throws IOException {
        send(plan(WorkspaceMode.SHALLOW, false, null, null));
        Files.writeString(guest.resolve("guest-work.txt"), "made in the guest\n");
        Files.writeString(host.resolve("README.md"), "second prepare\n");
        send(plan(WorkspaceMode.SHALLOW, false, null, null));
        assertEquals("second prepare\n", Files.readString(guest.resolve("README.md")));
        assertFalse(Files.exists(guest.resolve("guest-work.txt")));
        assertTrue(Files.exists(Path.of(guest + ".banger-previous/guest-work.txt")), "the replaced checkout is kept");

        Files.writeString(host.resolve("README.md"), "third prepare\n");
        send(plan(WorkspaceMode.SHALLOW, false, null, null));
        assertEquals("second prepare\n", Files.readString(Path.of(guest + ".banger-previous/README.md")),
                "once: the previous is the second checkout now");
        assertFalse(Files.exists(Path.of(guest + ".banger-previous/guest-work.txt")));
        // The first checkout goes in the background, after the prepare answered.
        assertTrue(dev.banger.common.exec.Poll.until(java.time.Duration.ofSeconds(10), java.time.Duration.ofMillis(50),
                () -> siblings(".banger-gone-").isEmpty()), "the checkout kept before is deleted: " + siblings(""));
    }

    private List<String> siblings(String containing) {
        try (var s = Files.list(guest.getParent())) {
            return s.map(f -> f.getFileName().toString()).filter(n -> n.contains(containing)).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void exportRoundTripReproducesTheGuestsTreeAndLeavesItsIndexAlone() throws IOException {
        WorkspacePlan plan = plan(WorkspaceMode.SHALLOW, false, null, null);
        send(plan);
        Files.writeString(guest.resolve("committed.txt"), "a guest commit\n");
        git(guest, "add", "committed.txt");
        git(guest, "commit", "-q", "-m", "guest work");
        Files.writeString(guest.resolve("README.md"), "uncommitted guest edit\n");
        byte[] binary = new byte[4096];
        new java.util.Random(7).nextBytes(binary);
        Files.write(guest.resolve("blob.bin"), binary);
        Files.delete(guest.resolve("src/pkg/file1.txt"));
        Files.setPosixFilePermissions(guest.resolve("run.sh"), java.nio.file.attribute.PosixFilePermissions
                .fromString("rw-r--r--"));
        Files.writeString(guest.resolve("noise.log"), "ignored in the guest too\n");
        byte[] indexBefore = Files.readAllBytes(guest.resolve(".git/index"));

        ByteArrayOutputStream patch = new ByteArrayOutputStream();
        Workspaces.export(shell, guest.toString(), plan.headCommit(), patch);

        assertTrue(java.util.Arrays.equals(indexBefore, Files.readAllBytes(guest.resolve(".git/index"))),
                "the guest's index is untouched");
        Path clean = tmp.resolve("clean");
        git(tmp, "clone", "-q", host.toString(), clean.toString());
        git(clean, "checkout", "-q", plan.headCommit());
        Path patchFile = tmp.resolve("guest.patch");
        Files.write(patchFile, patch.toByteArray());
        git(clean, "apply", "--index", patchFile.toString());
        Map<String, String> expected = tree(guest);
        expected.remove("noise.log");
        assertEquals(expected, tree(clean), "git apply on the base reproduces the guest's tree");
        assertTrue(patch.toString(StandardCharsets.UTF_8).contains("GIT binary patch"));
    }

    @Test
    void anUnknownBaseCommitIsAClearError() throws IOException {
        send(plan(WorkspaceMode.SHALLOW, false, null, null));
        String outsideWindow = git(host, "rev-parse", "HEAD~25");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Workspaces.export(shell, guest.toString(), outsideWindow, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("is not in the guest's repository"), e.getMessage());
    }

    @Test
    void fullCopyCarriesGitAndSubmodulesWhichShallowRefuses() throws IOException {
        Path lib = TestRepos.withHistory(tmp.resolve("lib"), 3);
        git(host, "submodule", "add", "-q", lib.toString(), "vendor/lib");
        git(host, "commit", "-q", "-m", "add lib");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> plan(WorkspaceMode.SHALLOW, false, null, null));
        assertTrue(refused.getMessage().contains("--mode full_copy"), refused.getMessage());

        WorkspacePlan plan = plan(WorkspaceMode.FULL_COPY, false, null, null);
        assertTrue(workspaces.sentPaths(plan).stream().anyMatch(p -> p.startsWith(".git/")));
        send(plan);
        assertEquals(tree(host), tree(guest));
        assertEquals("readme v2\n", Files.readString(guest.resolve("vendor/lib/README.md")));
        assertEquals(git(host, "rev-list", "--count", "HEAD"), git(guest, "rev-list", "--count", "HEAD"));
        assertEquals("", git(guest, "status", "--porcelain"), "a clean copy is clean in the guest");
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsSent() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> plan(WorkspaceMode.SHALLOW, false, null, "HEAD~1"),
                "--from without --branch");
        assertThrows(IllegalArgumentException.class, () -> workspaces.plan(new WorkspaceRequest(tmp.resolve("nope"),
                null, WorkspaceMode.SHALLOW, false, null, null)), "no such path");
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () -> workspaces.plan(
                new WorkspaceRequest(plain, null, WorkspaceMode.SHALLOW, false, null, null)));
        assertTrue(outside.getMessage().contains("not inside a git repository"), outside.getMessage());
        Path bare = tmp.resolve("bare.git");
        git(tmp, "clone", "-q", "--bare", host.toString(), bare.toString());
        IllegalArgumentException isBare = assertThrows(IllegalArgumentException.class, () -> workspaces.plan(
                new WorkspaceRequest(bare, null, WorkspaceMode.SHALLOW, false, null, null)));
        assertTrue(isBare.getMessage().contains("bare repository"), isBare.getMessage());
        for (String path : List.of("/", "/root", "/etc/repo", "relative/path", "/root/../etc", "/root/a b")) {
            assertThrows(IllegalArgumentException.class, () -> WorkspacePlanner.guestPath(path), path);
        }
        assertThrows(IllegalArgumentException.class, () -> plan(WorkspaceMode.SHALLOW, false, "bad..name", null));
        assertFalse(Files.exists(guest), "nothing reached the guest");
    }

    @Test
    void theFingerprintChangesWithEveryEditAndOnlyThen() throws IOException {
        HostRepo repo = HostRepo.enclosing(host, new ProcessRunner());
        String before = repo.fingerprint();
        assertEquals(before, repo.fingerprint());
        Files.writeString(host.resolve("README.md"), "edit one\n");
        String one = repo.fingerprint();
        assertFalse(before.equals(one));
        Files.writeString(host.resolve("README.md"), "edit two, longer\n");
        assertFalse(one.equals(repo.fingerprint()), "a second edit of an already modified file counts too");
    }
}
