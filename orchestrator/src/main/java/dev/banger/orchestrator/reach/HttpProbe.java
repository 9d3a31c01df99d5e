package dev.banger.orchestrator.reach;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Whether a guest's TCP listener speaks HTTPS or HTTP (NET-6): HTTPS first (a TLS
 * handshake, any certificate: a dev server's is self-signed), then plain HTTP. Either
 * counts when a {@code HEAD /} gets a status line back. Each attempt has a connect and
 * a read deadline, so a silent port costs at most their sum.
 */
public final class HttpProbe {
    /** How long a client-speaks-first server (HTTP) stays quiet after accepting. */
    static final Duration SILENCE = Duration.ofMillis(300);
    private final Duration connect;
    private final Duration read;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "http-probe");
        t.setDaemon(true);
        return t;
    });

    public HttpProbe(Duration connect, Duration read) {
        this.connect = connect;
        this.read = read;
    }

    ExecutorService executor() {
        return executor;
    }

    /**
     * "https", "http", or empty when neither answered in time. A server that speaks first
     * (sshd's banner, SMTP, a database) is not HTTP: it is left alone, so probes do not
     * fill its log with malformed handshakes.
     */
    public Optional<String> scheme(String ip, int port) {
        if (speaksFirst(ip, port)) {
            return Optional.empty();
        }
        if (answers(ip, port, true)) {
            return Optional.of("https");
        }
        return answers(ip, port, false) ? Optional.of("http") : Optional.empty();
    }

    private boolean speaksFirst(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), (int) connect.toMillis());
            s.setSoTimeout((int) SILENCE.toMillis());
            return s.getInputStream().read() >= 0;
        } catch (java.net.SocketTimeoutException quiet) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true; // refused or reset: nothing to probe either
        }
    }

    private boolean answers(String ip, int port, boolean tls) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(ip, port), (int) connect.toMillis());
            plain.setSoTimeout((int) read.toMillis());
            Socket s = plain;
            if (tls) {
                SSLSocket ssl = (SSLSocket) trustingAnyCertificate().getSocketFactory().createSocket(plain, ip, port, true);
                ssl.startHandshake();
                s = ssl;
            }
            s.getOutputStream().write(("HEAD / HTTP/1.0\r\nHost: " + ip + ":" + port + "\r\nUser-Agent: banger-ports\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(5);
            return new String(head, StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static SSLContext trustingAnyCertificate() throws IOException {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // a probe only asks whether TLS is spoken; nothing is sent that needs trust
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
