package dev.banger.orchestrator.vmm;

import dev.banger.common.exec.Deadline;
import java.io.ByteArrayOutputStream;
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
 * The host's end of a guest's control port (banger-control in the guest), over the
 * FIFOs of QEMU's pipe chardev: the guest's reader always waits on it (a pipe is never
 * "disconnected"), and a restored guest is told its own identity on it.
 */
public final class GuestControl implements java.io.Closeable {
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private final FileChannel toGuest;
    private final FileChannel fromGuest;
    private final InputStream in;

    private GuestControl(FileChannel toGuest, FileChannel fromGuest) {
        this.toGuest = toGuest;
        this.fromGuest = fromGuest;
        this.in = Channels.newInputStream(fromGuest);
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
            return new GuestControl(out, FileChannel.open(vm.controlOut(), StandardOpenOption.READ));
        } catch (IOException e) {
            out.close();
            throw e;
        }
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
     * still), 32 fresh random bytes (and a reseed), and the VM's name as its hostname.
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
                String answer = readLine();
                if (!answer.equals(expected)) {
                    throw new IOException("the guest could not take its new identity: " + answer);
                }
            } catch (IOException e) {
                throw d.explain(e, "the guest did not answer on its control port within " + within.toSeconds()
                        + " s (" + oldImage + ": build it again)");
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the control port closed");
            }
            if (line.size() >= 4096) {
                throw new IOException("the guest sent a line longer than 4096 bytes on its control port");
            }
            line.write(c);
        }
        return line.toString(StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() throws IOException {
        try {
            fromGuest.close();
        } finally {
            toGuest.close();
        }
    }
}
