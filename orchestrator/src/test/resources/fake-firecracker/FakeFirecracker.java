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

/**
 * A stand-in for the firecracker binary (which cannot be installed on banger's build
 * machines), run by FirecrackerVmmTest as `java FakeFirecracker.java ARGS`: it accepts
 * exactly `--api-sock S --config-file F`, refuses a config whose files do not exist,
 * prints a boot line on stdout (the guest console), answers GET / on the API socket,
 * and exits on SendCtrlAltDel as a guest that powers off would make it.
 */
public class FakeFirecracker {
    public static void main(String[] a) throws Exception {
        if (a.length != 4 || !a[0].equals("--api-sock") || !a[2].equals("--config-file")) {
            System.err.println("fake firecracker: unexpected arguments");
            System.exit(2);
        }
        String config = Files.readString(Path.of(a[3]));
        for (String key : new String[] {"\"kernel_image_path\"", "\"drives\"", "\"machine-config\"", "\"vsock\""}) {
            if (!config.contains(key)) {
                System.err.println("fake firecracker: config lacks " + key);
                System.exit(3);
            }
        }
        java.util.regex.Matcher paths = java.util.regex.Pattern.compile("\"(kernel_image_path|path_on_host)\" : \"([^\"]+)\"")
                .matcher(config);
        while (paths.find()) {
            if (!Files.exists(Path.of(paths.group(2)))) {
                System.err.println("fake firecracker: no such file " + paths.group(2));
                System.exit(4);
            }
        }
        System.out.println("fake firecracker: guest booted");
        System.out.flush();
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
                    if (request.startsWith("GET / ")) {
                        answer(out, 200, "{\"id\":\"fake\",\"state\":\"Running\",\"vmm_version\":\"1.10.0\"}");
                    } else if (request.startsWith("PUT /actions ") && body.contains("\"SendCtrlAltDel\"")) {
                        answer(out, 204, "");
                        System.out.println("fake firecracker: guest powered off");
                        System.exit(0);
                    } else {
                        answer(out, 400, "{\"fault_message\":\"fake firecracker does not know " + request + "\"}");
                    }
                }
            }
        }
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
