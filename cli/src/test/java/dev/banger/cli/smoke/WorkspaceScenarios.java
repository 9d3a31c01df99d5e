package dev.banger.cli.smoke;

import static dev.banger.cli.smoke.Scenarios.expect;
import static dev.banger.cli.smoke.Scenarios.expectOk;
import static dev.banger.cli.smoke.SmokeRepos.git;

import dev.banger.common.exec.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Smoke scenarios of the headline flow (RUN-1, WS-1, WS-2, VM-10, STO-3, RUN-6): a real
 * repository with history and local changes goes into a real VM, and the VM's work
 * comes back as a patch that `git apply` takes.
 */
final class WorkspaceScenarios {
    private WorkspaceScenarios() {
    }

    /**
     * A repository with 300 commits and the local changes a user has: an edit, a deletion,
     * new files. Its pack (~5 MB) is larger than sshd's channel window, so a transfer that
     * loses its tail when the window is full (as sshj's close alone did) shows here.
     */
    static Path repoWithLocalChanges(SmokeHarness h, String name) throws IOException {
        Path repo = SmokeRepos.generate(h.scratch(name).resolve("repo"), 300, 400, 20_000);
        Files.writeString(repo.resolve("d00/f0001.txt"), "edited on the host, not committed\n");
        Files.delete(repo.resolve("d00/f0002.txt"));
        Files.writeString(repo.resolve("untracked.txt"), "never committed\n");
        Files.writeString(repo.resolve("debug.log"), "ignored by .gitignore\n");
        return repo;
    }

    static void register(Map<String, Scenarios.Scenario> all) {
        all.put("run-in-repository", h -> {
            Path repo = repoWithLocalChanges(h, "run-in-repository");
            String head = git(repo, "rev-parse", "HEAD");
            CommandResult r = h.bangerIn(repo.resolve("d01"), "vm", "run", "--rm", "--", "sh", "-c",
                    "pwd; git rev-parse HEAD; git symbolic-ref --short HEAD; cat d00/f0001.txt; "
                            + "for f in untracked.txt debug.log d00/f0002.txt; do [ -e $f ] && echo present $f; done; "
                            + "[ -x run-tests.sh ] && echo exec-bit; readlink docs-link; git rev-list --count HEAD; "
                            + "./run-tests.sh");
            expect(r.ok() && r.stdout().equals("/root/repo\n" + head + "\nmain\nedited on the host, not committed\n"
                    + "exec-bit\nd00/f0000.txt\n10\ntests pass\n"),
                    "the checkout is the host's working tree at its commit, run from a subdirectory (RUN-1, WS-1)", r);
        });
        all.put("run-include-untracked", h -> {
            Path repo = repoWithLocalChanges(h, "run-include-untracked");
            CommandResult r = h.bangerIn(repo, "vm", "run", "--rm", "--include-untracked", "--", "sh", "-c",
                    "cat untracked.txt; [ -e debug.log ] && echo ignored-file-sent; true");
            expect(r.ok() && r.stdout().equals("never committed\n"), "untracked files with the flag, ignored never", r);
        });
        all.put("full-copy-with-submodule", h -> {
            Path dir = h.scratch("full-copy");
            Path lib = SmokeRepos.generate(dir.resolve("lib"), 5, 3, 50);
            Path repo = SmokeRepos.generate(dir.resolve("app"), 20, 10, 50);
            git(repo, "submodule", "add", "-q", lib.toString(), "vendor/lib");
            git(repo, "commit", "-q", "-m", "vendor lib");
            CommandResult refused = h.bangerIn(repo, "vm", "run", "--rm", "--name", "smoke-nosub", "--", "true");
            expect(refused.exit() == 1 && refused.stderr().contains("--mode full_copy"),
                    "shallow mode refuses submodules, naming full_copy", refused);
            expect(!h.banger("vm", "list").stdout().contains("smoke-nosub"), "refused before any VM was created", null);
            CommandResult r = h.bangerIn(repo, "vm", "run", "--rm", "--mode", "full_copy", "--", "sh", "-c",
                    "head -1 vendor/lib/HISTORY.txt; git rev-list --count HEAD; git submodule status | cut -c2-41; "
                            + "git status --porcelain | wc -l");
            String libHead = git(lib, "rev-parse", "HEAD");
            expect(r.ok() && r.stdout().equals("at commit 4\n21\n" + libHead + "\n0\n"),
                    "full_copy has the whole history and the submodule, clean", r);
        });
        all.put("branch-from", h -> {
            Path repo = SmokeRepos.generate(h.scratch("branch-from").resolve("repo"), 30, 20, 50);
            String base = git(repo, "rev-parse", "HEAD~3");
            CommandResult alone = h.bangerIn(repo, "vm", "run", "--rm", "--from", "HEAD~3", "--", "true");
            expect(alone.exit() == 1 && alone.stderr().contains("--branch"), "--from without --branch refused", alone);
            CommandResult r = h.bangerIn(repo, "vm", "run", "--rm", "--branch", "agent/task", "--from", "HEAD~3", "--",
                    "sh", "-c", "git symbolic-ref --short HEAD; git rev-parse HEAD; cat HISTORY.txt");
            expect(r.ok() && r.stdout().equals("agent/task\n" + base + "\nat commit 26\n"),
                    "a guest-only branch starting at --from", r);
        });
        all.put("workspace-dry-run", h -> {
            Path repo = repoWithLocalChanges(h, "workspace-dry-run");
            CommandResult r = h.banger("vm", "workspace", "prepare", "no-such-vm", repo.toString(), "--dry-run");
            java.util.List<String> files = r.stdout().lines().toList();
            expect(r.ok() && files.contains("d00/f0001.txt") && files.contains("docs-link")
                    && !files.contains("d00/f0002.txt") && !files.contains("debug.log")
                    && !files.contains("untracked.txt") && files.size() == 403,
                    "a dry run lists every file that would be sent, needing no VM (" + files.size() + ")", r);
        });
        all.put("export-round-trip", h -> {
            Path repo = repoWithLocalChanges(h, "export-round-trip");
            expectOk(h.bangerIn(repo, "vm", "run", "-d", "--name", "smoke-export"), "run -d in a repository");
            String script = "set -e; echo committed > guest-commit.txt; git add guest-commit.txt; "
                    + "git -c user.name=G -c user.email=g@vm commit -q -m 'guest work'; "
                    + "echo 'uncommitted guest edit' >> d01/f0100.txt; head -c 20000 /dev/urandom > new-binary.bin; "
                    + "rm d03/f0300.txt; chmod +x d02/f0200.txt; sha256sum .git/index";
            CommandResult work = h.banger("vm", "exec", "smoke-export", "--", "sh", "-c", script);
            expect(work.ok(), "work in the guest", work);
            Path patch = h.scratch("export-round-trip").resolve("guest.patch");
            CommandResult export = h.banger("vm", "workspace", "export", "smoke-export", "-o", patch.toString());
            expect(export.ok() && Files.size(patch) > 20000, "export writes the patch", export);
            CommandResult after = h.banger("vm", "exec", "smoke-export", "--", "sh", "-c",
                    "sha256sum .git/index; git add -A; git write-tree");
            String[] lines = after.stdout().split("\n");
            expect(lines[0].equals(work.stdout().strip()), "export leaves the guest's index as it was", after);
            // A clean host checkout of the base, the patch applied: the same tree as the guest's.
            Path clean = h.scratch("export-round-trip").resolve("clean");
            git(repo.getParent(), "clone", "-q", repo.toString(), clean.toString());
            git(clean, "apply", "--index", patch.toString());
            expect(git(clean, "write-tree").equals(lines[1]), "git apply on the base reproduces the guest's tree", after);
            CommandResult unknown = h.banger("vm", "workspace", "export", "smoke-export", "--base-commit",
                    "0123456789abcdef0123456789abcdef01234567");
            expect(unknown.exit() == 1 && unknown.stderr().contains("is not in the guest's repository"),
                    "an unknown base commit is a clear error", unknown);
            expectOk(h.banger("vm", "delete", "smoke-export"), "delete");
        });
        all.put("export-base-commit", h -> {
            Path repo = SmokeRepos.generate(h.scratch("export-base").resolve("repo"), 30, 20, 50);
            expectOk(h.bangerIn(repo, "vm", "run", "-d", "--name", "smoke-base"), "run -d");
            String parent = git(repo, "rev-parse", "HEAD~1");
            CommandResult p = h.banger("vm", "workspace", "export", "smoke-base", "--base-commit", parent);
            expect(p.ok() && p.stdout().contains("-at commit 28\n+at commit 29\n"),
                    "--base-commit diffs against that commit: the last host commit shows", p);
            CommandResult none = h.banger("vm", "workspace", "export", "smoke-base");
            expect(none.ok() && none.stdout().isEmpty(), "nothing changed since the prepared head: an empty patch", none);
            expectOk(h.banger("vm", "delete", "smoke-base"), "delete");
        });
        all.put("exec-in-workspace-stale-and-auto-prepare", h -> {
            Path repo = SmokeRepos.generate(h.scratch("exec-stale").resolve("repo"), 20, 20, 50);
            expectOk(h.bangerIn(repo, "vm", "run", "-d", "--name", "smoke-exec"), "run -d");
            CommandResult pwd = h.banger("vm", "exec", "smoke-exec", "--", "pwd");
            expect(pwd.ok() && pwd.stdout().equals("/root/repo\n") && pwd.stderr().isEmpty(),
                    "exec runs in the workspace, no warning while the host is unchanged", pwd);
            Files.writeString(repo.resolve("HISTORY.txt"), "changed on the host after prepare\n");
            CommandResult stale = h.banger("vm", "exec", "smoke-exec", "--", "cat", "HISTORY.txt");
            expect(stale.ok() && stale.stdout().equals("at commit 19\n") && stale.stderr().contains("--auto-prepare"),
                    "a changed host checkout is a warning naming --auto-prepare (VM-10)", stale);
            CommandResult synced = h.banger("vm", "exec", "smoke-exec", "--auto-prepare", "--", "cat", "HISTORY.txt");
            expect(synced.ok() && synced.stdout().equals("changed on the host after prepare\n"),
                    "--auto-prepare syncs first", synced);
            CommandResult quiet = h.banger("vm", "exec", "smoke-exec", "--", "true");
            expect(quiet.ok() && quiet.stderr().isEmpty(), "in sync again: no warning", quiet);
            expectOk(h.banger("vm", "stop", "smoke-exec"), "stop");
            CommandResult stopped = h.banger("vm", "exec", "smoke-exec", "--", "true");
            expect(stopped.exit() == 1 && stopped.stderr().contains("not running"), "exec refuses a stopped VM", stopped);
            expectOk(h.banger("vm", "start", "smoke-exec"), "start");
            CommandResult kept = h.banger("vm", "exec", "smoke-exec", "--", "sh", "-c", "pwd; cat HISTORY.txt");
            expect(kept.ok() && kept.stdout().equals("/root/repo\nchanged on the host after prepare\n"),
                    "the workspace survives stop and start", kept);
            expectOk(h.banger("vm", "delete", "smoke-exec"), "delete");
        });
        all.put("bootstrap-needs-nat", h -> {
            Path repo = SmokeRepos.generate(h.scratch("bootstrap").resolve("repo"), 3, 5, 50);
            Files.writeString(repo.resolve(".tool-versions"), "nodejs 20.11.0\n");
            Files.writeString(repo.resolve("go.mod"), "module example.invalid/m\n\ngo 1.22\n");
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "pin tools");
            CommandResult refused = h.bangerIn(repo, "vm", "run", "--rm", "--name", "smoke-boot", "--", "true");
            expect(refused.exit() == 1 && refused.stderr().contains("--nat") && refused.stderr().contains("--no-bootstrap")
                    && refused.stderr().contains("go@1.22"), "pinned tools without --nat are refused (RUN-6)", refused);
            expect(!h.banger("vm", "list").stdout().contains("smoke-boot"), "before any VM was created", null);
            CommandResult skipped = h.bangerIn(repo, "vm", "run", "--rm", "--no-bootstrap", "--", "cat", "go.mod");
            expect(skipped.ok() && skipped.stdout().contains("go 1.22"), "--no-bootstrap runs without installing",
                    skipped);
            CommandResult failing = h.bangerIn(repo, "vm", "run", "--rm", "--nat", "--", "echo", "still runs");
            expect(failing.ok() && failing.stdout().equals("still runs\n") && failing.stderr().contains("warning"),
                    "a failed install warns and the command still runs", failing);
        });
        all.put("dev-image-tools", h -> {
            CommandResult r = h.banger("vm", "run", "--rm", "--image", "dev", "--memory", "3072", "--", "sh", "-c",
                    "mise --version | cut -d' ' -f1; node --version | cut -d. -f1; "
                            + "for t in git jq rg fdfind gcc make tmux htop opencode claude pi; do command -v $t >/dev/null"
                            + " || echo missing $t; done; for c in opencode claude pi; do $c --version >/dev/null 2>&1"
                            + " || echo broken $c; done; bash -lc 'echo $MISE_SHELL'");
            expect(r.ok() && r.stdout().matches("20\\d\\d\\.\\d+\\.\\d+\nv22\nbash\n"),
                    "the dev image has mise (active in login shells), Node.js 22 and every tool of IMG-7, the"
                            + " agent CLIs running on the emulated CPU", r);
            CommandResult lean = h.banger("vm", "run", "--rm", "--", "sh", "-c", "command -v mise rg node || echo lean");
            expect(lean.ok() && lean.stdout().equals("lean\n"), "the default image stays lean", lean);
        });
        all.put("identity-files", h -> {
            CommandResult r = h.banger("vm", "run", "--rm", "-v", "--", "sh", "-c",
                    "git config --global user.name; git config --global user.email; "
                            + "stat -c '%a' /root/.local/share/opencode/auth.json; cat /root/.local/share/opencode/auth.json");
            expect(r.ok() && r.stdout().endsWith("Smoke Tester\nsmoke@tester.invalid\n600\n{\"smoke\": \"token\"}\n"),
                    "the host's git identity and agent auth file, mode 0600 (STO-3)", r);
            expect(r.stdout().contains("not on the host") && r.stdout().contains("~/.claude/.credentials.json"),
                    "the missing agent files are a warning, not an error", r);
        });
    }
}
