package dev.banger.image.oci;

import dev.banger.common.fs.Bounded;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry HTTP API (distribution spec) for pulls: manifests and blobs, with the
 * anonymous bearer-token flow (a 401 names a realm; a token from there is retried once).
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20)).build();
    private final String base;
    private final String repository;
    private String token;

    public RegistryClient(String baseUrl, String repository) {
        this.base = baseUrl.replaceAll("/+$", "");
        this.repository = repository;
    }

    public record Fetched(String contentType, byte[] body) {
    }

    /** Manifests and indexes are small JSON; anything bigger is refused before it is held (SEC-5). */
    static final int MAX_MANIFEST = 4 << 20;
    static final int MAX_TOKEN_ANSWER = 64 << 10;

    public Fetched manifest(String reference) throws IOException {
        HttpResponse<InputStream> r = get(base + "/v2/" + repository + "/manifests/" + reference, ACCEPT,
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("manifest " + repository + ":" + reference + ": HTTP " + r.statusCode());
            }
            return new Fetched(r.headers().firstValue("Content-Type").orElse(""),
                    Bounded.read(body, MAX_MANIFEST, "manifest " + repository + ":" + reference));
        }
    }

    public InputStream blob(String digest) throws IOException {
        HttpResponse<InputStream> r = get(base + "/v2/" + repository + "/blobs/" + digest, "*/*",
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("blob " + digest + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    private <T> HttpResponse<T> get(String url, String accept, HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpResponse<T> r = send(url, accept, handler);
        if (r.statusCode() == 401 && token == null) {
            if (r.body() instanceof java.io.Closeable c) {
                c.close();
            }
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            token = fetchToken(challenge);
            r = send(url, accept, handler);
        }
        return r;
    }

    private <T> HttpResponse<T> send(String url, String accept, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET()
                .timeout(Duration.ofMinutes(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Bearer realm="...",service="...",scope="..." -> GET realm?service=..&scope=.. -> {"token": ...}. */
    String fetchToken(String challenge) throws IOException {
        Map<String, String> p = challengeParams(challenge);
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6) || !p.containsKey("realm")) {
            throw new IOException("registry wants credentials banger does not have (" + challenge + ")");
        }
        StringBuilder url = new StringBuilder(p.get("realm"));
        String sep = url.indexOf("?") >= 0 ? "&" : "?";
        for (String k : new String[] {"service", "scope"}) {
            if (p.containsKey(k)) {
                url.append(sep).append(k).append('=').append(URLEncoder.encode(p.get(k), StandardCharsets.UTF_8));
                sep = "&";
            }
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30)).GET()
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String answer;
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("token endpoint: HTTP " + r.statusCode());
            }
            answer = new String(Bounded.read(body, MAX_TOKEN_ANSWER, "the token endpoint's answer"),
                    StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("\"(?:token|access_token)\"\\s*:\\s*\"([^\"]+)\"").matcher(answer);
        if (!m.find()) {
            throw new IOException("token endpoint answered without a token");
        }
        return m.group(1);
    }

    static Map<String, String> challengeParams(String challenge) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
