package dev.banger.orchestrator.workspace;

import dev.banger.orchestrator.ssh.GuestShell;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The guest's side of a workspace, run on the host: the same scripts through sh, with
 * git's system and global config pointed into the test's directory (the scripts write
 * safe.directory there), so a test exercises exactly what a guest would run.
 */
final class LocalShell implements GuestShell {
    private final Path home;

    LocalShell(Path home) {
        this.home = home;
    }

    Path systemConfig() {
        return home.resolve("gitconfig-system");
    }

    @Override
    public Outcome run(String command, Feed feed, OutputStream sink, long stdoutCap, Duration deadline)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of("sh", "-c", command));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("GIT_CONFIG_SYSTEM", systemConfig().toString());
        pb.environment().put("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString());
        pb.environment().put("GIT_AUTHOR_NAME", "Guest");
        pb.environment().put("GIT_AUTHOR_EMAIL", "guest@vm");
        pb.environment().put("GIT_COMMITTER_NAME", "Guest");
        pb.environment().put("GIT_COMMITTER_EMAIL", "guest@vm");
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
            try (OutputStream stdin = p.getOutputStream()) {
                if (feed != null) {
                    feed.writeTo(stdin);
                }
            } catch (IOException e) {
                // the script stopped reading: its exit status says why
            }
        });
        byte[] buf = new byte[65536];
        long total = 0;
        try (InputStream out = p.getInputStream()) {
            for (int n = out.read(buf); n >= 0; n = out.read(buf)) {
                total += n;
                if (total > stdoutCap) {
                    p.destroyForcibly();
                    throw new IOException("more than " + stdoutCap + " bytes");
                }
                if (sink != null) {
                    sink.write(buf, 0, n);
                }
            }
        }
        in.join();
        try {
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("deadline");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        return new Outcome(p.exitValue(), err.join());
    }

    private static String read(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
