package dev.banger.orchestrator.vmm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.banger.common.exec.Deadline;
import dev.banger.common.exec.Poll;
import dev.banger.common.layout.SnapshotDir;
import dev.banger.common.layout.VmDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * SNAP-1 with QEMU 7.2 (no file: migration URI yet): QEMU migrates to a Unix socket this
 * process listens on and writes to the state file, and a restoring QEMU (-incoming) is
 * fed the file on its socket. No shell: QEMU's exec: URI would run one.
 */
final class QemuMigration {
    /** A 2 GiB guest's state is ~190 MB here; a save or load that takes this long is stuck. */
    static final Duration WITHIN = Duration.ofSeconds(120);
    /** QEMU's default (32 MiB/s) would make a save of a paused VM take seconds for nothing. */
    private static final long UNLIMITED_BYTES_PER_SECOND = 1L << 40;
    private static final Duration IDENTITY_WITHIN = Duration.ofSeconds(60);

    private QemuMigration() {
    }

    /**
     * The paused VM's memory and devices into into.vmState(); the VM stays paused. With
     * sharedRam, the stream leaves out the RAM (x-ignore-shared): the caller copies its file.
     */
    static void save(VmDir vm, SnapshotDir into, boolean sharedRam) throws IOException {
        Path socket = into.saveSocket();
        Files.deleteIfExists(socket);
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                Qmp qmp = Qmp.connect(vm.qmpSocket(), WITHIN)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", UNLIMITED_BYTES_PER_SECOND));
            ignoreSharedRam(qmp, sharedRam);
            qmp.execute("migrate", Map.of("uri", "unix:" + socket));
            try (Deadline d = Deadline.closeAfter(WITHIN, listener);
                    SocketChannel stream = listener.accept();
                    FileChannel out = FileChannel.open(into.vmState(), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                long at = 0;
                for (long n; (n = out.transferFrom(stream, at, 1 << 24)) > 0; ) {
                    at += n;
                }
            }
            awaitStatus(qmp, "query-migrate", "completed", "active", "setup");
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /**
     * Feeds a QEMU started with -S -incoming defer the saved state; then the guest runs with
     * its link down until it has taken this VM's identity (banger-control), so the
     * snapshot's address and MAC are never seen on the bridge. ramInFile: the snapshot's RAM
     * is its memory file (mapped by the VM's memory backend), the stream has none.
     */
    static void restore(VmDir vm, Path stateFile, boolean ramInFile, String mac) throws IOException {
        try (GuestControl control = GuestControl.open(vm);
                Qmp qmp = Qmp.connect(vm.qmpSocket(), WITHIN.plus(IDENTITY_WITHIN))) {
            // The stream's format follows its capabilities: both ends must set the same.
            ignoreSharedRam(qmp, ramInFile);
            qmp.execute("migrate-incoming", Map.of("uri", "unix:" + vm.incomingSocket()));
            awaitSocket(vm.incomingSocket());
            try (SocketChannel in = SocketChannel.open(StandardProtocolFamily.UNIX);
                    Deadline d = Deadline.closeAfter(WITHIN, in);
                    FileChannel state = FileChannel.open(stateFile, StandardOpenOption.READ)) {
                in.connect(UnixDomainSocketAddress.of(vm.incomingSocket()));
                long size = state.size();
                for (long at = 0; at < size; ) {
                    at += state.transferTo(at, size - at, in);
                }
            }
            awaitStatus(qmp, "query-status", "paused", "inmigrate", "prelaunch");
            qmp.execute("set_link", Map.of("name", "net0", "up", false));
            qmp.execute("cont");
            control.reconfigure(mac, IDENTITY_WITHIN);
            qmp.execute("set_link", Map.of("name", "net0", "up", true));
        }
    }

    private static void ignoreSharedRam(Qmp qmp, boolean on) throws IOException {
        qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                java.util.List.of(Map.of("capability", "x-ignore-shared", "state", on))));
    }

    /** Polls a query until its status is done; a status outside waiting is a failure. */
    private static void awaitStatus(Qmp qmp, String query, String done, String... waiting) throws IOException {
        java.util.Set<String> wait = java.util.Set.of(waiting);
        Optional<String> status;
        try {
            status = Poll.until(WITHIN, Duration.ofMillis(20), () -> {
                try {
                    JsonNode r = qmp.execute(query);
                    String s = r.path("status").asText();
                    if (s.equals(done)) {
                        return Optional.of(s);
                    }
                    if (!wait.contains(s)) {
                        throw new UncheckedIOException(new IOException("QEMU's " + query + " says " + s
                                + (r.has("error-desc") ? ": " + r.get("error-desc").asText() : "")));
                    }
                    return Optional.empty();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (status.isEmpty()) {
            throw new IOException("QEMU's " + query + " did not reach " + done + " within " + WITHIN.toSeconds() + " s");
        }
    }

    private static void awaitSocket(Path socket) throws IOException {
        if (!Poll.until(Duration.ofSeconds(20), Duration.ofMillis(10), () -> Files.exists(socket))) {
            throw new IOException("QEMU did not open " + socket + " within 20 s");
        }
    }
}
