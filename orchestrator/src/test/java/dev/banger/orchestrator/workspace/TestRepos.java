package dev.banger.orchestrator.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Real git repositories with history for the workspace tests, and a way to compare trees. */
final class TestRepos {
    private static final ProcessRunner RUN = new ProcessRunner();

    private TestRepos() {
    }

    static String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=Host",
                "-c", "user.email=host@example.com", "-c", "protocol.file.allow=always"));
        argv.addAll(List.of(args));
        CommandResult r = RUN.run(argv);
        assertEquals(0, r.exit(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout().strip();
    }

    /** A repository with `commits` commits touching a handful of files, an executable and a symlink. */
    static Path withHistory(Path dir, int commits) throws IOException {
        Files.createDirectories(dir);
        git(dir, "init", "-q", "-b", "main");
        Files.createDirectories(dir.resolve("src/pkg"));
        Files.writeString(dir.resolve(".gitignore"), "*.log\nbuild/\n");
        Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\necho run\n");
        dir.resolve("run.sh").toFile().setExecutable(true);
        Files.createSymbolicLink(dir.resolve("link-to-readme"), Path.of("README.md"));
        for (int i = 0; i < commits; i++) {
            Files.writeString(dir.resolve("README.md"), "readme v" + i + "\n");
            Files.writeString(dir.resolve("src/pkg/file" + (i % 7) + ".txt"), "content " + i + "\n".repeat(i % 3 + 1));
            git(dir, "add", "-A");
            git(dir, "commit", "-q", "-m", "commit " + i);
        }
        return dir;
    }

    /**
     * Every file under dir (not .git, not what git ignores when asked to skip): path to
     * kind, mode bits and content, so two trees compare byte for byte.
     */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = dir.relativize(p).toString();
                if (rel.isEmpty() || rel.equals(".git") || rel.startsWith(".git/") || Files.isDirectory(p,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else {
                    out.put(rel, (Files.isExecutable(p) ? "x " : "- ") + dev.banger.common.fs.FileTrees.sha256(p));
                }
            }
        }
        return out;
    }
}
