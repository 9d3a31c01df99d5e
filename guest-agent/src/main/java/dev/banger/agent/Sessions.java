package dev.banger.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Long-lived guest commands (WS-3), each in {@code ROOT/NAME/}: command, cwd, started,
 * the stdin FIFO, output (capped), pid and exit. The supervisor ({@code banger-session})
 * owns the command; the agent only starts it, reads its files and signals it, so a
 * session outlives the agent, the daemon and every connection. Output offsets are
 * logical: bytes dropped by the cap are counted in {@code dropped}, so a reader that
 * asks "from offset N" keeps its place across a trim.
 */
final class Sessions {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    static final long OUTPUT_CAP = 8L << 20;
    static final long KEPT_AFTER_TRIM = 1L << 20;
    static final int MAX_READ = 256 * 1024;
    private final Path root;
    private final List<String> supervisor;

    /** supervisor: the argv before the session's directory (setsid -f banger-session). */
    Sessions(Path root, List<String> supervisor) {
        this.root = root;
        this.supervisor = supervisor;
    }

    enum State { STARTING, RUNNING, EXITED, LOST }

    String start(String name, String cwd, String command) throws IOException, InterruptedException {
        Path dir = dir(name);
        if (Files.isDirectory(dir)) {
            State s = state(dir);
            if (s == State.RUNNING || s == State.STARTING) {
                throw new IllegalStateException("session " + name + " is already running");
            }
            deleteTree(dir); // an ended session's name is free again
        }
        if (!Files.isDirectory(Path.of(cwd))) {
            throw new IllegalArgumentException("no directory " + cwd + " in the guest");
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("command"), command);
        Files.writeString(dir.resolve("cwd"), cwd);
        Files.writeString(dir.resolve("started"), Long.toString(System.currentTimeMillis()));
        Files.createFile(dir.resolve("output"));
        run(List.of("mkfifo", "-m", "600", dir.resolve("stdin").toString()));
        List<String> argv = new ArrayList<>(supervisor);
        argv.add(dir.toString());
        run(argv);
        for (int i = 0; i < 100 && !Files.exists(dir.resolve("pid")) && !Files.exists(dir.resolve("exit")); i++) {
            Thread.sleep(50);
        }
        return line(name, dir);
    }

    /** One line per session: NAME STATE EXIT STARTED_MILLIS CWD_B64 COMMAND_B64. */
    String list() throws IOException {
        StringBuilder out = new StringBuilder();
        if (!Files.isDirectory(root)) {
            return "";
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            List<Path> sorted = new ArrayList<>();
            dirs.forEach(sorted::add);
            sorted.sort(null);
            for (Path d : sorted) {
                if (NAME.matcher(d.getFileName().toString()).matches() && Files.isDirectory(d)) {
                    out.append(line(d.getFileName().toString(), d));
                }
            }
        }
        return out.toString();
    }

    String line(String name, Path dir) throws IOException {
        return name + " " + state(dir).name().toLowerCase(java.util.Locale.ROOT) + " " + read(dir, "exit", "-") + " "
                + read(dir, "started", "0") + " " + b64(read(dir, "cwd", "")) + " " + b64(read(dir, "command", ""))
                + "\n";
    }

    /** TERM to the command's process group, KILL after graceMillis; the supervisor records the status. */
    String stop(String name, long graceMillis) throws IOException, InterruptedException {
        Path dir = existing(name);
        // A session started a moment ago has no pid yet: stopping it means waiting for one.
        for (int i = 0; i < 100 && state(dir) == State.STARTING; i++) {
            Thread.sleep(50);
        }
        if (state(dir) == State.RUNNING) {
            signal(dir, "TERM");
            long deadline = System.currentTimeMillis() + graceMillis;
            while (state(dir) == State.RUNNING && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            if (state(dir) == State.RUNNING) {
                signal(dir, "KILL");
                for (int i = 0; i < 50 && state(dir) == State.RUNNING; i++) {
                    Thread.sleep(100);
                }
            }
        }
        return line(name, dir);
    }

    /** The signal to the command's process group; a group that ended meanwhile is no error. */
    private static void signal(Path dir, String signal) throws IOException, InterruptedException {
        String pid = read(dir, "pid", "");
        try {
            run(List.of("kill", "-s", signal, "--", "-" + pid));
        } catch (IOException e) {
            if (alive(Long.parseLong(pid))) {
                throw e;
            }
        }
    }

    /** "NEXT_OFFSET STATE EXIT\nBASE64": output from a logical offset, at most MAX_READ bytes. */
    String output(String name, long offset) throws IOException {
        Path dir = existing(name);
        long dropped = Long.parseLong(read(dir, "dropped", "0"));
        long pos = Math.max(0, offset - dropped);
        byte[] data;
        try (FileChannel ch = FileChannel.open(dir.resolve("output"), StandardOpenOption.READ)) {
            pos = Math.min(pos, ch.size());
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(MAX_READ, ch.size() - pos));
            ch.read(buf, pos);
            data = java.util.Arrays.copyOf(buf.array(), buf.position());
        }
        State s = state(dir);
        return (dropped + pos + data.length) + " " + s.name().toLowerCase(java.util.Locale.ROOT) + " "
                + read(dir, "exit", "-") + "\n" + Base64.getEncoder().encodeToString(data);
    }

    /** Bytes for the command's stdin. The FIFO is opened read-write, which never blocks. */
    String write(String name, byte[] data) throws IOException {
        Path dir = existing(name);
        if (state(dir) != State.RUNNING) {
            throw new IllegalStateException("session " + name + " is not running");
        }
        try (RandomAccessFile fifo = new RandomAccessFile(dir.resolve("stdin").toFile(), "rw")) {
            fifo.write(data);
        }
        return Integer.toString(data.length);
    }

    /** Keeps every session's output under the cap: the last MiB stays, the rest is counted as dropped. */
    void capOutputs() {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                Path out = d.resolve("output");
                if (Files.isRegularFile(out) && Files.size(out) > OUTPUT_CAP) {
                    trim(d, out);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no sessions yet, or one went away meanwhile
        }
    }

    private static void trim(Path dir, Path out) throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer tail = ByteBuffer.allocate((int) KEPT_AFTER_TRIM);
            ch.read(tail, size - KEPT_AFTER_TRIM);
            tail.flip();
            // The supervisor appends (O_APPEND): after the truncate its writes land after the kept tail.
            ch.truncate(0);
            ch.write(tail, 0);
            long dropped = Long.parseLong(read(dir, "dropped", "0")) + size - KEPT_AFTER_TRIM;
            Files.writeString(dir.resolve("dropped"), Long.toString(dropped));
        }
    }

    State state(Path dir) throws IOException {
        if (Files.exists(dir.resolve("exit"))) {
            return State.EXITED;
        }
        String pid = read(dir, "pid", "");
        if (pid.isEmpty()) {
            long started = Long.parseLong(read(dir, "started", "0"));
            return System.currentTimeMillis() - started < 10_000 ? State.STARTING : State.LOST;
        }
        if (alive(Long.parseLong(pid))) {
            return State.RUNNING;
        }
        // The command ended: its supervisor writes the status next, unless it is gone too (a reboot, a kill).
        String supervisor = read(dir, "supervisor", "");
        if (!supervisor.isEmpty() && alive(Long.parseLong(supervisor))) {
            return State.RUNNING;
        }
        return Files.exists(dir.resolve("exit")) ? State.EXITED : State.LOST;
    }

    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private Path dir(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a session name is 1-32 of a-z, 0-9 and '-', got '" + name + "'");
        }
        return root.resolve(name);
    }

    private Path existing(String name) {
        Path d = dir(name);
        if (!Files.isDirectory(d)) {
            throw new java.util.NoSuchElementException("no session named " + name);
        }
        return d;
    }

    private static String read(Path dir, String file, String missing) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8).strip() : missing;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(argv.get(0) + " did not finish in 10 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed with status " + p.exitValue());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
