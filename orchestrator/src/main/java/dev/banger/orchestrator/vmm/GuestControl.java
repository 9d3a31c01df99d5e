package dev.banger.orchestrator.vmm;

import dev.banger.common.exec.Deadline;
import java.io.IOException;
import java.io.InputStream;
import dev.banger.common.layout.VmDir;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The host's end of a guest's control port (banger-control in the guest): over the FIFOs
 * of QEMU's pipe chardev (the guest's reader always waits on it: a pipe is never
 * "disconnected"), or over Firecracker's vsock, port {@link #VSOCK_PORT} (Firecracker
 * has no virtio serial; banger-control answers there through socat). A restored guest is told
 * its own identity on it, a pooled one its clock and name.
 */
public final class GuestControl implements java.io.Closeable {
    /** The guest's vsock port for control lines (the agent's is 7999). */
    public static final int VSOCK_PORT = 7998;
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private final java.nio.channels.WritableByteChannel toGuest;
    private final InputStream in;
    private final java.io.Closeable connection;

    private GuestControl(java.nio.channels.WritableByteChannel toGuest, InputStream in, java.io.Closeable connection) {
        this.toGuest = toGuest;
        this.in = in;
        this.connection = connection;
    }

    /** Opens both FIFOs; QEMU holds each open for reading and writing, so neither open waits. */
    public static GuestControl open(VmDir vm) throws IOException {
        for (Path fifo : new Path[] {vm.controlIn(), vm.controlOut()}) {
            if (!isFifo(fifo)) {
                throw new IOException("the guest's control port " + fifo + " is not there (a VM started by an older"
                        + " banger has none: stop and start it)");
            }
        }
        FileChannel out = FileChannel.open(vm.controlIn(), StandardOpenOption.WRITE);
        try {
            FileChannel from = FileChannel.open(vm.controlOut(), StandardOpenOption.READ);
            return new GuestControl(out, Channels.newInputStream(from), () -> {
                try {
                    from.close();
                } finally {
                    out.close();
                }
            });
        } catch (IOException e) {
            out.close();
            throw e;
        }
    }

    /** The control port of a Firecracker guest, through the Unix socket of its vsock. */
    public static GuestControl overVsock(Path udsPath, Duration within) throws IOException {
        HybridVsock v = HybridVsock.open(udsPath);
        try (Deadline d = Deadline.closeAfter(within, v)) {
            v.connect(VSOCK_PORT);
        } catch (IOException e) {
            v.close();
            throw new IOException("the guest's control port (vsock " + VSOCK_PORT + ") did not answer: " + e.getMessage(),
                    e);
        }
        return new GuestControl(Channels.newChannel(v.out()), v.in(), v);
    }

    /** A FIFO, never a file or link a stale directory left. */
    private static boolean isFifo(Path p) throws IOException {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /**
     * The restored guest takes the clock's now, 32 fresh random bytes (and reseeds), the MAC
     * and what its config disk says; returns once it answered "reconfigured".
     */
    public void reconfigure(String mac, Duration within) throws IOException {
        if (!MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("not a MAC address: " + mac);
        }
        ask("reconfigure", mac, "reconfigured", within, "an image built before snapshots has no banger-control");
    }

    /**
     * SNAP-3: a VM the warm pool kept paused, handed to a user: the clock's now (it stood
     * still), 32 fresh random bytes mixed in, and the VM's name as its hostname.
     */
    public void wake(String name, Duration within) throws IOException {
        ask("wake", dev.banger.common.ids.Names.requireVmName(name), "awake", within,
                "an image built before the warm pool cannot wake");
    }

    /** One verb with the clock and fresh entropy, answered by one line. */
    private void ask(String verb, String arg, String expected, Duration within, String oldImage) throws IOException {
        byte[] entropy = new byte[32];
        RANDOM.nextBytes(entropy);
        String line = verb + " " + Instant.now().getEpochSecond() + " " + arg + " " + HexFormat.of().formatHex(entropy)
                + "\n";
        try (Deadline d = Deadline.closeAfter(within, this)) {
            try {
                toGuest.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
                String answer = dev.banger.common.io.Lines.read(in, 4096);
                if (!answer.equals(expected)) {
                    throw new IOException("the guest could not take its new identity: " + answer);
                }
            } catch (IOException e) {
                throw d.explain(e, "the guest did not answer on its control port within " + within.toSeconds()
                        + " s (" + oldImage + ": build it again)");
            }
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
