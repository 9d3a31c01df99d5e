package dev.banger.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OciRefTest {
    @Test
    void referencesParseStrictly() {
        OciRef r = OciRef.parse("127.0.0.1:5000/library/debian:bookworm");
        assertEquals("127.0.0.1:5000", r.registry());
        assertEquals("library/debian", r.repository());
        assertEquals("bookworm", r.reference());
        assertEquals("debian-bookworm", r.defaultName());
        assertTrue(r.loopback());
        assertEquals("latest", OciRef.parse("registry.example.invalid/app").reference());
        String digest = "sha256:" + "a".repeat(64);
        assertEquals(digest, OciRef.parse("registry.example.invalid/app@" + digest).reference());
        assertFalse(OciRef.parse("registry.example.invalid/app").loopback());
        assertTrue(OciRef.parse("/var/tmp/layout").isLayout());
        for (String bad : new String[] {"debian", "host/UPPER", "host/app:bad tag", "host/app@sha256:xyz", "/"
                + "", "host/../app"}) {
            assertThrows(IllegalArgumentException.class, () -> OciRef.parse(bad), bad);
        }
        assertFalse(OciRef.looksLikeOci("default"));
        assertTrue(OciRef.looksLikeOci("host/app"));
    }

    @Test
    void theAnonymousBearerTokenFlowIsFollowed() throws Exception {
        List<String> auth = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = server.getAddress().getPort();
        server.createContext("/token", x -> {
            assertTrue(x.getRequestURI().getQuery().contains("scope=repository:app:pull"), x.getRequestURI().toString());
            reply(x, 200, "{\"token\": \"t0k3n\"}");
        });
        server.createContext("/v2/app/manifests/v1", x -> {
            String a = x.getRequestHeaders().getFirst("Authorization");
            auth.add(String.valueOf(a));
            if (!"Bearer t0k3n".equals(a)) {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + port
                        + "/token\",service=\"test\",scope=\"repository:app:pull\"");
                reply(x, 401, "");
                return;
            }
            x.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
            reply(x, 200, "{\"layers\": []}");
        });
        server.start();
        try {
            RegistryClient c = new RegistryClient("http://127.0.0.1:" + port, "app");
            assertEquals("{\"layers\": []}", new String(c.manifest("v1").body(), StandardCharsets.UTF_8));
            assertEquals(List.of("null", "Bearer t0k3n"), auth, "anonymous first, then with the token");
        } finally {
            server.stop(0);
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange x, int status, String body) throws java.io.IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
        x.close();
    }
}
