package dev.banger.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * banger's agent inside each VM: {@code java -jar guest-agent.jar --listen HOST:PORT --token-file F},
 * or with {@code --inherited-listener} instead of {@code --listen}, serving the listening
 * socket it was given as stdin (the guest's banger-on-connect starts it at the first
 * connection, which it then answers). Plain Java 17 and no dependencies, so it runs on
 * Debian bookworm's JRE.
 */
public final class GuestAgent {
    /** The protocol version: 2 frames answers with their length and adds ports and stats. */
    static final String VERSION = "2";
    /** On the root disk: an ended session's output is still there after the VM restarts. */
    static final Path SESSIONS = Path.of("/var/lib/banger/sessions");
    static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    
    private GuestAgent() {
    }

    public static void main(String[] args) throws IOException {
        String listen = null;
        boolean inherited = false;
        Path tokenFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--version":
                    System.out.println("banger guest-agent protocol " + VERSION);
                    return;
                case "--listen":
                    listen = value(args, ++i, "--listen");
                    break;
                case "--inherited-listener":
                    inherited = true;
                    break;
                case "--token-file":
                    tokenFile = Path.of(value(args, ++i, "--token-file"));
                    break;
                default:
                    usage("unknown argument " + args[i]);
            }
        }
        if ((listen == null) == !inherited || tokenFile == null) {
            usage("--token-file and one of --listen or --inherited-listener are required");
        }
        Sessions sessions = new Sessions(SESSIONS, List.of("setsid", "-f", "/usr/local/sbin/banger-session"));
        Thread cap = new Thread(() -> {
            while (true) {
                sessions.capOutputs();
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "session-output-cap");
        cap.setDaemon(true);
        cap.start();
        AgentProtocol protocol = new AgentProtocol(new TokenFile(tokenFile), GuestAgent::bootId, Path.of("/proc"),
                sessions);
        try (ServerSocket server = inherited ? inheritedListener() : bound(listen)) {
            serve(server, protocol);
        }
    }

    private static ServerSocket bound(String listen) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(parse(listen));
        return server;
    }

    /** The listening socket this process was started with as stdin (socket activation, Accept=no). */
    private static ServerSocket inheritedListener() throws IOException {
        if (!(System.inheritedChannel() instanceof ServerSocketChannel listener)) {
            throw new IOException("--inherited-listener: stdin is not a listening socket");
        }
        listener.configureBlocking(true);
        return listener.socket();
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** Serves connections one thread each until the socket closes. */
    static void serve(ServerSocket server, AgentProtocol protocol) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> session(s, protocol), "agent-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.err.println("agent: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private static void session(Socket s, AgentProtocol protocol) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = new BufferedOutputStream(s.getOutputStream())) {
            s.setSoTimeout(30_000);
            while (true) {
                String line;
                try {
                    line = Frames.readRequest(in);
                } catch (Frames.FrameTooLong e) {
                    Frames.writeError(out, "bad-request " + e.getMessage());
                    return;
                }
                if (line == null) {
                    return;
                }
                Answer answer = protocol.handle(line);
                if (answer.ok()) {
                    Frames.writeOk(out, answer.text());
                } else {
                    Frames.writeError(out, answer.errorLine());
                    if (answer.kind().equals(AgentProtocol.UNAUTHORIZED)) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // the host went away mid-session, or sent a broken frame; nothing to clean up
        }
    }

    static String bootId() {
        try {
            return Files.readString(BOOT_ID).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            usage(flag + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("guest-agent: " + problem);
        System.err.println("usage: guest-agent (--listen HOST:PORT | --inherited-listener) --token-file FILE | --version");
        System.exit(2);
    }
}
