package dev.banger.cli.smoke;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real repositories for the smoke scenarios: a history of hundreds of commits over a
 * tree of many files (written with git fast-import, so it costs a second, not minutes),
 * checked out, then given local changes a user would have.
 */
public final class SmokeRepos {
    private static final ProcessRunner RUN = new ProcessRunner();

    private SmokeRepos() {
    }

    public static String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=Smoke Host",
                "-c", "user.email=host@smoke.invalid", "-c", "protocol.file.allow=always", "-c", "init.defaultBranch=main"));
        argv.addAll(List.of(args));
        CommandResult r = RUN.run(argv, Duration.ofMinutes(2));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + r.stderr());
        }
        return r.stdout().strip();
    }

    /**
     * A repository of `files` files (about fileBytes each, under dirs d00..) and `commits`
     * commits, each changing a few files, checked out on main with a .gitignore, an
     * executable script and a symlink.
     */
    public static Path generate(Path dir, int commits, int files, int fileBytes) throws IOException {
        Files.createDirectories(dir);
        git(dir, "init", "-q");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        java.util.Random random = new java.util.Random(42);
        long when = 1_700_000_000L;
        for (int c = 0; c < commits; c++) {
            StringBuilder head = new StringBuilder();
            String msg = "commit " + c;
            head.append("commit refs/heads/main\nmark :").append(c + 1).append("\ncommitter Smoke Host <host@smoke.invalid> ")
                    .append(when + c * 60).append(" +0000\ndata ").append(msg.length()).append('\n').append(msg).append('\n');
            if (c > 0) {
                head.append("from :").append(c).append('\n');
            }
            write(stream, head.toString());
            if (c == 0) {
                for (int f = 0; f < files; f++) {
                    modify(stream, "100644", path(f), content(random, f, 0, fileBytes));
                }
                modify(stream, "100644", ".gitignore", "*.log\nbuild/\n".getBytes(StandardCharsets.UTF_8));
                modify(stream, "100755", "run-tests.sh", "#!/bin/sh\necho tests pass\n".getBytes(StandardCharsets.UTF_8));
                modify(stream, "120000", "docs-link", "d00/f0000.txt".getBytes(StandardCharsets.UTF_8));
            }
            for (int k = 0; k < 3 && c > 0; k++) {
                int f = random.nextInt(files);
                modify(stream, "100644", path(f), content(random, f, c, fileBytes));
            }
            modify(stream, "100644", "HISTORY.txt", ("at commit " + c + "\n").getBytes(StandardCharsets.UTF_8));
            write(stream, "\n");
        }
        Path input = dir.resolve(".git/fast-import-input");
        Files.write(input, stream.toByteArray());
        CommandResult r = RUN.run(List.of("sh", "-c", "git -C \"$0\" fast-import --quiet < \"$1\"", dir.toString(),
                input.toString()), Duration.ofMinutes(2));
        if (!r.ok()) {
            throw new IllegalStateException("fast-import: " + r.stderr());
        }
        Files.delete(input);
        git(dir, "checkout", "-q", "-f", "main");
        return dir;
    }

    private static String path(int f) {
        return String.format("d%02d/f%04d.txt", f / 100, f);
    }

    private static byte[] content(java.util.Random random, int f, int version, int bytes) {
        StringBuilder s = new StringBuilder("file " + f + " version " + version + "\n");
        while (s.length() < bytes) {
            s.append(Long.toHexString(random.nextLong())).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void modify(OutputStream out, String mode, String path, byte[] data) throws IOException {
        write(out, "M " + mode + " inline " + path + "\ndata " + data.length + "\n");
        out.write(data);
        write(out, "\n");
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
