package dev.banger.cli.update;

import dev.banger.cli.output.ErrorKind;
import dev.banger.cli.output.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Where releases are read from: the manifest's URL and the files next to it. https for
 * real releases; file:// and http://127.0.0.1 only when a test names the URL. Every read
 * is bounded in size and time.
 */
public final class ReleaseSource {
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration SMALL_READ = Duration.ofSeconds(30);
    private static final Duration ARTIFACT_READ = Duration.ofMinutes(10);
    private final URI manifest;

    private ReleaseSource(URI manifest) {
        this.manifest = manifest;
    }

    /** The configured or embedded URL: https only. */
    public static ReleaseSource trusted(String url) {
        URI u = uri(url);
        if (!"https".equals(u.getScheme())) {
            throw new UserError(ErrorKind.BAD_REQUEST, "the release manifest URL must be https, got " + url);
        }
        return new ReleaseSource(u);
    }

    /** --manifest-url: also a local file or a server on this machine's loopback (tests, mirrors made by hand). */
    public static ReleaseSource forTests(String url) {
        URI u = uri(url);
        boolean local = "file".equals(u.getScheme())
                || ("http".equals(u.getScheme()) && ("127.0.0.1".equals(u.getHost()) || "localhost".equals(u.getHost())));
        if (!local && !"https".equals(u.getScheme())) {
            throw new UserError(ErrorKind.BAD_REQUEST, "--manifest-url must be https, file:// or http://127.0.0.1, got "
                    + url);
        }
        return new ReleaseSource(u);
    }

    public String describe() {
        return manifest.toString();
    }

    public byte[] manifest() {
        return small(manifest);
    }

    /** A small file next to the manifest (SHA256SUMS, its signature): at most 1 MiB. */
    public byte[] small(String relative) {
        return small(manifest.resolve(relative));
    }

    /** An artifact of at most {@code size} bytes into {@code target}; returns its sha256 (hex). */
    public String download(String relative, long size, Path target) {
        URI u = manifest.resolve(relative);
        try (InputStream in = open(u, ARTIFACT_READ); OutputStream out = Files.newOutputStream(target)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > size) {
                    throw new UserError(ErrorKind.FAILED_PRECONDITION, u + " is larger than the manifest says ("
                            + size + " bytes): refusing it");
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UserError(ErrorKind.UNAVAILABLE, "cannot read " + u + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] small(URI u) {
        try (InputStream in = open(u, SMALL_READ)) {
            byte[] data = in.readNBytes((1 << 20) + 1);
            if (data.length > 1 << 20) {
                throw new UserError(ErrorKind.FAILED_PRECONDITION, u + " is larger than 1 MiB: refusing it");
            }
            return data;
        } catch (IOException e) {
            throw new UserError(ErrorKind.UNAVAILABLE, "cannot read " + u + ": " + e.getMessage());
        }
    }

    private static InputStream open(URI u, Duration timeout) throws IOException {
        if ("file".equals(u.getScheme())) {
            return Files.newInputStream(Path.of(u));
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(u).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IOException("HTTP " + r.statusCode());
            }
            // The client's timeout covers the headers only: the body is cut off at the same deadline.
            InputStream body = r.body();
            java.util.concurrent.CompletableFuture.delayedExecutor(timeout.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> {
                        try {
                            body.close();
                        } catch (IOException ignored) {
                            // the reader sees the closed stream
                        }
                    });
            return body;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static URI uri(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null) {
                throw new IllegalArgumentException("no scheme");
            }
            return u;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new UserError(ErrorKind.BAD_REQUEST, "'" + url + "' is not a URL: " + e.getMessage());
        }
    }
}
