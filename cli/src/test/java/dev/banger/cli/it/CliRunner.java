package dev.banger.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged banger CLI as a user would, in a sandbox: HOME, XDG_* and
 * BANGER_HOME all point into a temp dir, so nothing touches the real ~/.ssh,
 * ~/.config or ~/.local/state.
 */
final class CliRunner {
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Where tests keep bootstrapped base trees: once per machine, not once per run (IMG-2). */
    static final Path SHARED_CACHE = Path.of("/var/tmp/banger-test-cache");

    final Path dist;
    final Path sandbox;
    final Path bangerHome;
    /** More environment for every command (set before `daemon start` to reach the services). */
    final Map<String, String> env = new java.util.HashMap<>();

    CliRunner(Path dist, Path sandbox) {
        this.dist = dist;
        this.sandbox = sandbox;
        this.bangerHome = sandbox.resolve("bh");
    }

    static Path dist() {
        return Path.of(System.getProperty("banger.dist", "..")).toAbsolutePath().normalize();
    }

    Path cliJar() {
        return dist.resolve("cli/target/quarkus-app/quarkus-run.jar");
    }

    Result run(String... args) throws IOException, InterruptedException {
        // The launchers' JVM flags (scripts/lib/java.sh): C1 and the serial GC, a third less
        // CPU for each of the ITs' short commands than the JVM's defaults.
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-jar", cliJar().toString()));
        argv.addAll(List.of(args));
        return exec(argv);
    }

    Result exec(List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> env = pb.environment();
        env.put("HOME", sandbox.resolve("home").toString());
        env.put("XDG_CONFIG_HOME", sandbox.resolve("home/.config").toString());
        env.put("XDG_STATE_HOME", sandbox.resolve("home/.local/state").toString());
        env.put("XDG_RUNTIME_DIR", sandbox.resolve("xdg-run").toString());
        env.put("BANGER_HOME", bangerHome.toString());
        env.put("BANGER_DIST", dist.toString());
        env.put("BANGER_CACHE_DIR", SHARED_CACHE.toString());
        env.putAll(this.env);
        env.remove("NO_COLOR");
        Path out = Files.createTempFile(sandbox, "out", ".txt");
        Path err = Files.createTempFile(sandbox, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv);
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
