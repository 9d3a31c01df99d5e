package dev.banger.orchestrator.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The DNS listener (NET-4): one UDP socket and one TCP socket on the same address and
 * port, answering from a {@link VmZone}. No packet can stop it: every failure is one
 * packet's or one connection's. TCP connections are few and bounded (a read timeout,
 * a cap on connections in flight, a length prefix of at most 65535 by construction).
 */
public final class DnsListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DnsListener.class.getName());
    static final int TCP_READ_TIMEOUT_MILLIS = 5_000;
    static final int MAX_TCP_CONNECTIONS = 16;
    private final VmZone zone;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService tcpWorkers = new ThreadPoolExecutor(1, MAX_TCP_CONNECTIONS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> daemon(r, "dns-tcp"));

    private DnsListener(VmZone zone, DatagramSocket udp, ServerSocket tcp) {
        this.zone = zone;
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Binds both sockets (port 0: any free one, the same for both) and starts serving. */
    public static DnsListener start(VmZone zone, String address, int port) throws IOException {
        InetAddress host = InetAddress.getByName(address);
        ServerSocket tcp = new ServerSocket();
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(host, port), 32);
        DatagramSocket udp;
        try {
            udp = new DatagramSocket(new InetSocketAddress(host, tcp.getLocalPort()));
        } catch (IOException e) {
            tcp.close();
            throw e;
        }
        DnsListener l = new DnsListener(zone, udp, tcp);
        daemon(l::serveUdp, "dns-udp").start();
        daemon(l::serveTcp, "dns-tcp-accept").start();
        return l;
    }

    /** "127.0.0.1:42069": what daemon status shows. */
    public String endpoint() {
        return tcp.getInetAddress().getHostAddress() + ":" + tcp.getLocalPort();
    }

    public int port() {
        return tcp.getLocalPort();
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
                Optional<byte[]> answer = zone.answer(buf, p.getLength(), VmZone.CLASSIC_UDP * 8);
                if (answer.isPresent()) {
                    udp.send(new DatagramPacket(answer.get(), answer.get().length, p.getSocketAddress()));
                }
            } catch (SocketException e) {
                if (!udp.isClosed()) {
                    LOG.log(Level.WARNING, "dns: udp: " + e.getMessage());
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "dns: one udp packet failed", e);
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                try {
                    tcpWorkers.execute(() -> serveConnection(s));
                } catch (RejectedExecutionException busy) {
                    s.close(); // more clients at once than a workstation has: they retry
                }
            } catch (IOException e) {
                if (!tcp.isClosed()) {
                    LOG.log(Level.FINE, "dns: accept failed", e);
                }
            }
        }
    }

    /** RFC 7766 framing: a two-byte length, then the message; several per connection. */
    private void serveConnection(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            s.setSoTimeout(TCP_READ_TIMEOUT_MILLIS);
            while (true) {
                int length = in.readUnsignedShort();
                byte[] msg = in.readNBytes(length);
                if (msg.length < length) {
                    return;
                }
                Optional<byte[]> answer = zone.answer(msg, msg.length, 65535);
                if (answer.isEmpty()) {
                    return;
                }
                out.writeShort(answer.get().length);
                out.write(answer.get());
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, timed out or sent garbage: this connection only
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        tcpWorkers.shutdownNow();
    }
}
