package dev.banger.cli.smoke;

import dev.banger.common.exec.CommandResult;
import dev.banger.common.exec.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real CLI against real services booting real QEMU VMs (QA-1), all inside a network
 * namespace this harness creates and deletes (QA-2), with HOME, XDG_* and BANGER_HOME
 * in a sandbox. The default image is built once, outside the namespace (the Debian
 * mirror is not reachable from inside it; the base tree is cached per machine).
 */
public final class SmokeHarness implements AutoCloseable {
    static final Path CACHE = Path.of("/var/tmp/banger-test-cache");
    final Path dist;
    final Path sandbox;
    final String netns;
    private final ProcessRunner host = new ProcessRunner();

    public SmokeHarness(Path dist) throws IOException {
        this.dist = dist;
        this.sandbox = Files.createTempDirectory(Path.of("/tmp"), "banger-smoke-");
        this.netns = "banger-t-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    }

    /**
     * Builds the default image (host namespace), then runs the daemon inside a fresh
     * namespace. The sandboxed HOME has a git identity and one coding agent's auth file,
     * which every VM's start copies in (STO-3); the other agents' files are missing.
     */
    public SmokeHarness start() throws IOException {
        return start(true);
    }

    /** As start(), building the dev image (IMG-7; a few minutes the first time) only when asked. */
    public SmokeHarness start(boolean devImage) throws IOException {
        // No warm pool: VMs booted behind the scenarios' backs would take the CI machine's two
        // cores from theirs (and the daemon outside the namespace must never boot one).
        warmPool(0);
        Files.createDirectories(home().resolve(".local/share/opencode"));
        Files.writeString(home().resolve(".gitconfig"), "[user]\n\tname = Smoke Tester\n\temail = smoke@tester.invalid\n");
        Files.writeString(home().resolve(".local/share/opencode/auth.json"), "{\"smoke\": \"token\"}\n");
        CommandResult r = outside("daemon", "start");
        require(r, "daemon start (outside)");
        require(outside("image", "build", "default", "--from", "debian:bookworm"), "image build");
        if (devImage) {
            require(outside("image", "build", "dev", "--from", "debian:bookworm", "--preset", "dev"), "dev image build");
        }
        require(outside("daemon", "stop"), "daemon stop (outside)");
        host.check("ip", "netns", "add", netns);
        host.check("ip", "-n", netns, "link", "set", "lo", "up");
        require(banger("daemon", "start"), "daemon start (inside)");
        return this;
    }

    /** The daemon's warm pool size (vm.warm-pool) from its next start on. */
    public void warmPool(int size) throws IOException {
        warmPool(bangerHome(), size);
    }

    private static void warmPool(Path bangerHome, int size) throws IOException {
        Path config = bangerHome.resolve("config/config.properties");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "vm.warm-pool = " + size + "\n");
    }

    /** The CLI inside the namespace, as a user would run it there. */
    public CommandResult banger(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        argv.addAll(cli(args));
        List<String> all = new ArrayList<>(env(sandbox));
        all.addAll(argv);
        return host.run(all, Duration.ofMinutes(10));
    }

    /** The CLI inside the namespace with extra environment (a crash test's BANGER_TEST_PAUSE_AT for the daemon). */
    public CommandResult bangerWith(Map<String, String> extra, String... args) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        all.addAll(env(sandbox));
        extra.forEach((k, v) -> all.add(k + "=" + v));
        all.addAll(cli(args));
        return host.run(all, Duration.ofMinutes(10));
    }

    /** The CLI run from a directory, as a user in their checkout runs it. */
    public CommandResult bangerIn(Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        List<String> env = new ArrayList<>(env(sandbox));
        env.addAll(1, List.of("-C", dir.toString())); // env takes its options before the variables
        all.addAll(env);
        all.addAll(cli(args));
        return host.run(all, Duration.ofMinutes(10));
    }

    /** The CLI inside the namespace as a running process (vm logs -f), its stdout to read. */
    public Process process(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        all.addAll(env(sandbox));
        all.addAll(cli(args));
        return new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** What a stream gave until it showed marker, or until the deadline (the read runs on its own thread). */
    static String readUntil(java.io.InputStream in, String marker, long millis) throws InterruptedException {
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n = in.read(buf); n >= 0 && seen.indexOf(marker) < 0; n = in.read(buf)) {
                    seen.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        reader.join(millis);
        return seen.toString();
    }

    /** A fresh directory of the sandbox for one scenario's files (repositories, patches). */
    public Path scratch(String name) throws IOException {
        return Files.createDirectories(sandbox.resolve("scratch").resolve(name));
    }

    /** The sandboxed HOME every banger command (and so the daemon) runs with. */
    public Path home() {
        return sandbox.resolve("home");
    }

    /**
     * The CLI as on a fresh install: a BANGER_HOME of its own, no daemon, no image, in
     * a namespace of its own (so its bridge and addresses meet nobody else's). The image
     * it builds comes from the machine's cached base tree, as the mirror is out of reach
     * there. Its daemon is stopped and its namespace removed afterwards.
     */
    public CommandResult bangerOnFreshInstall(String... args) {
        String ns = netns + "-f";
        Path home = sandbox.resolve("fresh");
        try { // as start(): no VMs booted beside the scenario's own
            warmPool(home.resolve("bh"), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        host.check("ip", "netns", "add", ns);
        try {
            host.check("ip", "-n", ns, "link", "set", "lo", "up");
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            argv.addAll(env(home));
            argv.addAll(cli(args));
            return host.run(argv, Duration.ofMinutes(10));
        } finally {
            List<String> stop = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            stop.addAll(env(home));
            stop.addAll(cli("daemon", "stop"));
            host.run(stop, Duration.ofMinutes(1));
            host.run(List.of("ip", "netns", "del", ns));
        }
    }

    /** A command in the namespace (firewall, links), for assertions about the host side. */
    public CommandResult inNetns(String... argv) {
        return inNetns(ProcessRunner.DEFAULT_TIMEOUT, argv);
    }

    /** As above, for a command that takes longer than a minute (copying releases into a VM). */
    public CommandResult inNetns(Duration within, String... argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        a.addAll(List.of(argv));
        return host.run(a, within);
    }

    private CommandResult outside(String... args) {
        List<String> all = new ArrayList<>(env(sandbox));
        all.addAll(cli(args));
        return host.run(all, Duration.ofMinutes(20));
    }

    private List<String> cli(String... args) {
        // The checkout's launcher, as a user runs it: the JVM and start-up cache the build trained,
        // which the daemon it starts runs on too (the test JVM's own may be an older one, uncached:
        // ~0.5 s more for each of the suite's hundreds of commands, and slower daemon starts).
        List<String> a = new ArrayList<>(List.of(dist.resolve("bin/banger").toString()));
        a.addAll(List.of(args));
        return a;
    }

    /** `env` prefix: the sandboxed environment (under dir) for every banger command. */
    private List<String> env(Path dir) {
        List<String> e = new ArrayList<>(List.of("env"));
        for (Map.Entry<String, String> kv : Map.of("HOME", dir.resolve("home").toString(),
                "XDG_CONFIG_HOME", dir.resolve("home/.config").toString(),
                "XDG_STATE_HOME", dir.resolve("home/.local/state").toString(),
                "XDG_RUNTIME_DIR", dir.resolve("run").toString(),
                "BANGER_HOME", dir.resolve("bh").toString(),
                "BANGER_DIST", dist.toString(),
                "BANGER_CACHE_DIR", CACHE.toString()).entrySet()) {
            e.add(kv.getKey() + "=" + kv.getValue());
        }
        return e;
    }

    public Path bangerHome() {
        return sandbox.resolve("bh");
    }

    static void require(CommandResult r, String what) {
        if (!r.ok()) {
            throw new IllegalStateException(what + " failed (" + r.exit() + "): " + r.stderr() + r.stdout());
        }
    }

    @Override
    public void close() {
        // A scenario that failed half-way leaves VMs behind, and VMs outlive the daemon
        // (VM-8): delete every VM first, so no VMM outlives the harness.
        try {
            List<String> names = new ArrayList<>();
            CommandResult list = banger("vm", "list", "-o", "json");
            if (!list.ok()) {
                // A scenario left a daemon that refuses (one claiming another build): a fresh one answers.
                banger("daemon", "stop");
                banger("daemon", "start");
                list = banger("vm", "list", "-o", "json");
            }
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.stdout())
                    .forEach(vm -> names.add(vm.path("name").asText()));
            if (!names.isEmpty()) {
                List<String> delete = new ArrayList<>(List.of("vm", "delete"));
                delete.addAll(names);
                banger(delete.toArray(String[]::new));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("smoke: could not delete the VMs left behind: " + e.getMessage());
        }
        banger("daemon", "stop");
        host.run(List.of("ip", "netns", "del", netns));
        // The namespace's own hosts file, where the net service put the VMs' names.
        host.run(List.of("rm", "-rf", "/etc/netns/" + netns));
        try (Stream<Path> walk = Files.walk(sandbox)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a sandbox under /tmp
        }
    }
}
