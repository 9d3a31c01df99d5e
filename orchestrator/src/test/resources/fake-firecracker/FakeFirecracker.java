import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the firecracker binary (which cannot be installed on banger's build
 * machines), run by FirecrackerVmmTest as `java FakeFirecracker.java ARGS`. Booted with
 * exactly `--api-sock S --config-file F`, it refuses a config whose files do not exist
 * (relative names from its working directory, as Firecracker opens them), prints a boot
 * line on stdout (the guest console) and exits on SendCtrlAltDel as a guest that powers
 * off would make it. Started with `--api-sock S` alone it has no machine until a
 * snapshot load, which must name an existing state and memory file, resume_vm false and
 * an override of the interface's TAP, and whose disks must exist from here. Pause,
 * resume and a full snapshot (only of a paused machine) are answered as Firecracker
 * does. Its guest answers on the vsock's Unix socket with the hybrid handshake: port
 * 7998 takes control lines (reconfigure, wake) as banger-vsock-control does, only
 * while the machine runs, and appends each to guest-control.log. The disk files it
 * would have opened are written to drives-opened.log, whole paths.
 */
public class FakeFirecracker {
    static volatile String config;
    static volatile boolean paused;

    public static void main(String[] a) throws Exception {
        boolean restore = a.length == 2 && a[0].equals("--api-sock");
        if (!restore && (a.length != 4 || !a[0].equals("--api-sock") || !a[2].equals("--config-file"))) {
            System.err.println("fake firecracker: unexpected arguments");
            System.exit(2);
        }
        if (!restore) {
            String c = Files.readString(Path.of(a[3]));
            for (String key : new String[] {"\"kernel_image_path\"", "\"drives\"", "\"machine-config\"", "\"vsock\""}) {
                if (!c.contains(key)) {
                    System.err.println("fake firecracker: config lacks " + key);
                    System.exit(3);
                }
            }
            String missing = missingFile(c, "kernel_image_path|path_on_host");
            if (missing != null) {
                System.err.println("fake firecracker: no such file " + missing);
                System.exit(4);
            }
            boot(c);
            System.out.println("fake firecracker: guest booted");
            System.out.flush();
        }
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(a[1]));
            while (true) {
                try (SocketChannel c = server.accept()) {
                    InputStream in = Channels.newInputStream(c);
                    String request = line(in);
                    int length = 0;
                    for (String h = line(in); !h.isEmpty(); h = line(in)) {
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).strip());
                        }
                    }
                    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                    OutputStream out = Channels.newOutputStream(c);
                    String problem = handle(request, body, out);
                    if (problem != null) {
                        answer(out, 400, "{\"fault_message\":\"" + problem + "\"}");
                    }
                }
            }
        }
    }

    /** Answers one request; returns why it is refused, or null once answered. */
    static String handle(String request, String body, OutputStream out) throws Exception {
        if (request.startsWith("GET / ")) {
            String state = config == null ? "Not started" : paused ? "Paused" : "Running";
            answer(out, 200, "{\"id\":\"fake\",\"state\":\"" + state + "\",\"vmm_version\":\"1.13.0\"}");
        } else if (request.startsWith("PUT /actions ") && body.contains("\"SendCtrlAltDel\"")) {
            answer(out, 204, "");
            System.out.println("fake firecracker: guest powered off");
            System.exit(0);
        } else if (request.startsWith("PATCH /vm ")) {
            if (config == null) {
                return "The requested operation is not supported before starting the microVM.";
            }
            paused = body.contains("\"Paused\"");
            answer(out, 204, "");
        } else if (request.startsWith("PUT /snapshot/create ")) {
            if (config == null || !paused) {
                return "Cannot create a snapshot of a microVM that is not paused.";
            }
            Files.writeString(Path.of(field(body, "snapshot_path")), config);
            Files.writeString(Path.of(field(body, "mem_file_path")), "guest memory");
            answer(out, 204, "");
        } else if (request.startsWith("PUT /snapshot/load ")) {
            if (config != null) {
                return "Loading a microVM snapshot not allowed after configuring boot-specific resources.";
            }
            String state = field(body, "snapshot_path");
            String memory = field(body, "backend_path");
            if (state == null || !Files.exists(Path.of(state)) || memory == null || !Files.exists(Path.of(memory))
                    || !body.contains("\"backend_type\":\"File\"")) {
                return "Cannot load the snapshot: state or memory file missing";
            }
            if (!body.contains("\"resume_vm\":false") || !body.contains("\"iface_id\":\"eth0\"")
                    || field(body, "host_dev_name") == null) {
                return "expected resume_vm false and the TAP of eth0 overridden";
            }
            String saved = Files.readString(Path.of(state));
            String missing = missingFile(saved, "path_on_host");
            if (missing != null) {
                return "Cannot open the block device backing file " + missing;
            }
            paused = true;
            boot(saved);
            answer(out, 204, "");
        } else {
            return "fake firecracker does not know " + request;
        }
        return null;
    }

    /** The machine of this config runs: its guest listens on the vsock's socket. */
    static void boot(String c) throws Exception {
        config = c;
        StringBuilder opened = new StringBuilder(); // what a real one would open, for the test to see
        Matcher drives = Pattern.compile("\"path_on_host\" ?: ?\"([^\"]+)\"").matcher(c);
        while (drives.find()) {
            opened.append(Path.of(drives.group(1)).toRealPath()).append('\n');
        }
        Files.writeString(Path.of("drives-opened.log"), opened);
        String uds = field(c.replace("\" : \"", "\":\""), "uds_path");
        Files.deleteIfExists(Path.of(uds));
        ServerSocketChannel vsock = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        vsock.bind(UnixDomainSocketAddress.of(uds));
        Thread guest = new Thread(() -> {
            while (true) {
                try (SocketChannel ch = vsock.accept()) {
                    InputStream in = Channels.newInputStream(ch);
                    OutputStream out = Channels.newOutputStream(ch);
                    if (!line(in).equals("CONNECT 7998")) {
                        continue; // Firecracker closes a connection to a port nobody listens on
                    }
                    out.write("OK 1073741824\n".getBytes(StandardCharsets.US_ASCII));
                    String control = line(in);
                    if (paused) {
                        continue; // a paused guest never answers
                    }
                    Files.writeString(Path.of("guest-control.log"), control + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    String verb = control.split(" ")[0];
                    out.write((verb.equals("reconfigure") ? "reconfigured\n" : verb.equals("wake") ? "awake\n"
                            : "failed unknown verb " + verb + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    return;
                }
            }
        });
        guest.setDaemon(true);
        guest.start();
    }

    /** The first file a path field names that does not exist from here, or null. */
    static String missingFile(String json, String fields) {
        Matcher m = Pattern.compile("\"(" + fields + ")\" ?: ?\"([^\"]+)\"").matcher(json);
        while (m.find()) {
            if (!Files.exists(Path.of(m.group(2)))) {
                return m.group(2);
            }
        }
        return null;
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\" ?: ?\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static void answer(OutputStream out, int code, String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + code + " X\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    static String line(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
