package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.LeakGuard;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import io.netty.util.ResourceLeakDetector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Forwarding and blocking through real sockets: a real gateway, a real upstream, real clients. */
class ProxyIntegrationTest {
    @RegisterExtension
    static final GatewayExtension<TestUpstream> gateway = GatewayExtension.testUpstream();
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> get(String host, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.fixture().port() + path))
                .header("Host", host).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void testsRunUnderParanoidLeakDetection() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, LeakGuard.level());
    }

    @Test
    void nativeTransportIsUsedWhereItLoads() {
        String expected = switch (System.getProperty("beian.transport", "auto")) {
            case "nio" -> "nio";
            case "epoll" -> io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio";
            default -> io.netty.channel.uring.IoUring.isAvailable() ? "io_uring"
                    : io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio";
        };
        assertEquals(expected, gateway.fixture().gateway.transport().name());
    }

    @Test
    void forwardsAFiledHostWithTheProxyHeaders() throws Exception {
        HttpResponse<String> r = get("www.example.cn", "/echo?x=1");
        assertEquals(200, r.statusCode());
        String seen = r.body();
        assertTrue(seen.contains("uri: /echo?x=1\n"), seen);
        assertTrue(seen.contains("host: www.example.cn\n"), seen);
        assertTrue(seen.contains("x-forwarded-for: 127.0.0.1\n"), seen);
        assertTrue(seen.contains("x-forwarded-proto: http\n"), seen);
        assertTrue(seen.contains("x-forwarded-host: www.example.cn\n"), seen);
        assertTrue(seen.contains("via: 1.1 beian-gateway\n"), seen);
        assertEquals("1.1 beian-gateway", r.headers().firstValue("via").orElse(null));
        assertFalse(r.headers().firstValue("x-hop").isPresent(), "field named in Connection is hop-by-hop");
        assertFalse(r.headers().firstValue("keep-alive").isPresent());
        assertNull(r.headers().firstValue("x-beian-reason").orElse(null));
    }

    @Test
    void hopByHopFieldsAndUntrustedForwardingFieldsAreReplaced() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /echo HTTP/1.1\r\nHost: example.cn:8080\r\nConnection: keep-alive, X-Secret\r\n"
                    + "X-Secret: 1\r\nKeep-Alive: 300\r\nTE: trailers\r\nProxy-Authorization: Basic x\r\n"
                    + "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            String seen = r.text();
            assertFalse(seen.contains("x-secret"), seen);
            assertFalse(seen.contains("keep-alive:"), seen);
            assertFalse(seen.contains("te:"), seen);
            assertFalse(seen.contains("proxy-authorization"), seen);
            assertFalse(seen.contains("upgrade:"), "h2c is never passed on: " + seen);
            assertTrue(seen.contains("x-forwarded-for: 203.0.113.9, 127.0.0.1\n"), seen);
            assertTrue(seen.contains("x-forwarded-host: example.cn:8080\n"), seen);
            assertTrue(seen.contains("x-forwarded-proto: http\n"), seen);
            assertTrue(seen.contains("host: example.cn:8080\n"), "Host passes as sent: " + seen);
        }
    }

    @Test
    void absoluteFormTargetDecidesAndIsPassedInOriginForm() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            // the target names a filed host; Host names an unfiled one: the target wins (RFC 9112 §3.2.2)
            raw.send("GET http://shop.example.cn/echo?q=1 HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("uri: /echo?q=1\n"), r.text());
            assertTrue(r.text().contains("host: shop.example.cn\n"), r.text());
            // and the other way round: an unfiled target is blocked whatever Host says
            raw.send("GET http://unfiled.example.org/ HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response blocked = raw.read();
            assertEquals(451, blocked.status());
            assertEquals("unfiled", blocked.header("x-beian-reason"));
        }
    }

    @Test
    void blockPageSaysWhyAndKeepsTheConnection() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            String[][] cases = {
                {"unfiled.example.org", "unfiled", "未根据工业和信息化部"},
                {"www.elsewhere.cn", "not_accessed", "未接入本服务商"},
                {"gone.example.cn", "cancelled", "已被注销"},
            };
            for (String[] c : cases) {
                raw.send("GET / HTTP/1.1\r\nHost: " + c[0] + "\r\n\r\n");
                RawHttp.Response r = raw.read();
                assertEquals(451, r.status(), c[0]);
                assertEquals(c[1], r.header("x-beian-reason"));
                assertEquals("no-store", r.header("cache-control"));
                assertEquals("text/html; charset=utf-8", r.header("content-type"));
                assertTrue(r.text().contains(c[2]), r.text());
                assertTrue(r.text().contains("<code>" + c[0] + "</code>"), r.text());
                assertNull(r.header("connection"), "keep-alive stays");
            }
        }
        assertEquals(0, gateway.upstream().hits("/"), "a blocked request never reaches the upstream");
    }

    @Test
    void blockedRequestBodyIsDiscardedAndTheNextRequestServed() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("POST /x HTTP/1.1\r\nHost: unfiled.example.org\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            assertEquals(451, raw.read().status());
            RawHttp.Response second = raw.read();
            assertEquals(200, second.status());
            assertTrue(second.text().contains("uri: /echo"));
        }
    }

    @Test
    void aBlockedRequestWithALargeBodyIsAnsweredAndItsConnectionClosed() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("POST /x HTTP/1.1\r\nHost: unfiled.example.org\r\nContent-Length: 100000000\r\n\r\n");
            raw.sendBytes(new byte[64 * 1024]);
            RawHttp.Response r = raw.read();
            assertEquals(451, r.status());
            assertEquals("close", r.header("connection"));
            try {
                for (int i = 0; i < 64; i++) { // keep sending: the gateway stops reading after its budget
                    raw.sendBytes(new byte[64 * 1024]);
                }
            } catch (java.io.IOException closed) {
                // expected: the gateway closed the connection
            }
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void ipLiteralsForwardToTheDefaultUpstream() throws Exception {
        assertEquals(200, get("127.0.0.1", "/echo").statusCode());
    }

    @Test
    void keepAliveConnectionsToTheUpstreamArePooled() throws Exception {
        int before = gateway.upstream().opened.get();
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            for (int i = 0; i < 10; i++) {
                raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
                assertEquals(200, raw.read().status());
            }
        }
        assertTrue(gateway.upstream().opened.get() - before <= 1, "opened " + (gateway.upstream().opened.get() - before));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                String host = i % 3 == 1 ? "unfiled.example.org" : "example.cn";
                burst.append("GET /echo?n=").append(i).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n\r\n");
            }
            raw.send(burst.toString());
            for (int i = 0; i < 20; i++) {
                RawHttp.Response r = raw.read();
                if (i % 3 == 1) {
                    assertEquals(451, r.status(), "response " + i);
                } else {
                    assertEquals(200, r.status(), "response " + i);
                    assertTrue(r.text().contains("uri: /echo?n=" + i + "\n"), "response " + i + ": " + r.text());
                }
            }
        }
    }

    @Test
    void headResponsesHaveNoBodyAndTheConnectionGoesOn() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("HEAD /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response head = raw.read(true);
            assertEquals(200, head.status());
            raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            assertEquals(200, raw.read().status());
            raw.send("HEAD / HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n");
            RawHttp.Response blocked = raw.read(true);
            assertEquals(451, blocked.status());
            assertTrue(Integer.parseInt(blocked.header("content-length")) > 0, "the length of the page a GET would get");
            raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response next = raw.read();
            assertEquals(200, next.status(), "no page body was sent after the HEAD answer");
            assertTrue(next.text().startsWith("method: GET"), next.text());
        }
    }

    @Test
    void closeDelimitedUpstreamBodiesAreRechunkedForHttp11Clients() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /nolength HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals("no length here", r.text());
            assertEquals("chunked", r.header("transfer-encoding"));
            raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            assertEquals(200, raw.read().status(), "the client connection survives");
        }
    }

    @Test
    void closeDelimitedUpstreamBodiesGoAsTheyAreToHttp10ClientsAndTheConnectionCloses() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /nolength HTTP/1.0\r\nHost: example.cn\r\nConnection: keep-alive\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertEquals("no length here", r.text());
            assertEquals(null, r.header("transfer-encoding"), "HTTP/1.0 has no chunked coding");
            assertEquals("close", r.header("connection"));
            assertTrue(raw.closedByServer(), "the close delimits the body");
        }
    }

    @Test
    void http10ClientsAreServedAndClosed() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /echo HTTP/1.0\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertTrue(raw.closedByServer());
        }
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET / HTTP/1.0\r\nHost: unfiled.example.org\r\nConnection: keep-alive\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(451, r.status());
            assertEquals("keep-alive", r.header("connection"), "an HTTP/1.0 client needs to be told");
            raw.send("GET /echo HTTP/1.0\r\nHost: example.cn\r\nConnection: keep-alive\r\n\r\n");
            RawHttp.Response forwarded = raw.read();
            assertEquals(200, forwarded.status());
            assertEquals("keep-alive", forwarded.header("connection"));
        }
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET / HTTP/1.0\r\n\r\n"); // no Host in HTTP/1.0: nothing filed can match
            RawHttp.Response r = raw.read();
            assertEquals(451, r.status());
            assertEquals("unfiled", r.header("x-beian-reason"));
        }
    }

    @Test
    void expectContinueIsRelayedForForwardedRequests() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: example.cn\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response cont = raw.read();
            assertEquals(100, cont.status());
            raw.send("hello");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertTrue(r.text().endsWith(" 5"), r.text());
        }
    }

    @Test
    void blockedRequestExpectingContinueIsAnsweredAtOnceAndClosed() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("PUT /big HTTP/1.1\r\nHost: unfiled.example.org\r\nContent-Length: 1000000\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(451, r.status());
            assertEquals("close", r.header("connection"));
            assertTrue(raw.closedByServer());
        }
    }
}
