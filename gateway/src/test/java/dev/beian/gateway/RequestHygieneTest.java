package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.StrictUpstream;
import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §6 step 1 and §7: nothing ambiguous reaches an app. Raw bytes from a hostile client, through the real
 * gateway, to an upstream that parses what it receives strictly and records it ({@link StrictUpstream}): the
 * upstream's own checks (one Host, filed, canonical framing, no hop-by-hop or underscore field, forwarding
 * fields the gateway's) apply to every request of every test here.
 */
class RequestHygieneTest {
    static final String IDN_HOST = IDN.toASCII("示例.中国");
    static final Predicate<String> FILED = h -> h.equals("example.cn")
            || h.endsWith(".example.cn") && !h.equals("gone.example.cn") && !h.equals("refused.example.cn")
            || h.equals(IDN_HOST);
    @RegisterExtension
    static final GatewayExtension<StrictUpstream> gateway = GatewayExtension.strictUpstream(FILED).config("""
                timeouts:
                  header: 1s
                  idle: 2s
                """);

    @BeforeEach
    void clean() {
        gateway.upstream().received.clear();
        gateway.upstream().problems.clear();
    }

    static void noProblems() {
        assertTrue(gateway.upstream().problems.isEmpty(), "the upstream saw: " + gateway.upstream().problems);
    }

    static RawHttp.Response exchange(String request) throws IOException {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send(request);
            return raw.read();
        }
    }

    // ---------------------------------------------------------------- 1. Connection naming the framing

    @ParameterizedTest(name = "Connection: {0}")
    @ValueSource(strings = {"Content-Length", "content-length", "keep-alive, Content-Length", "Transfer-Encoding"})
    void aConnectionTokenCannotRemoveTheFramingAndSmuggleARequest(String connection) throws Exception {
        String smuggled = "GET /slow?ms=300 HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n";
        try (RawHttp a = new RawHttp(gateway.fixture().port()); RawHttp b = new RawHttp(gateway.fixture().port())) {
            a.send("POST /slow?ms=300 HTTP/1.1\r\nHost: example.cn\r\nContent-Length: " + smuggled.length()
                    + "\r\nConnection: " + connection + "\r\n\r\n" + smuggled);
            RawHttp.Response first = a.read();
            assertEquals(200, first.status());
            assertEquals("host=example.cn target=/slow?ms=300 body=" + smuggled.length(), first.text());
            // A second client, on what would be the same pooled upstream connection, gets its own answer.
            b.send("GET /second HTTP/1.1\r\nHost: www.example.cn\r\n\r\n");
            assertEquals("host=www.example.cn target=/second body=0", b.read().text());
        }
        gateway.upstream().awaitReceived(2, 1000);
        Thread.sleep(400); // time for a smuggled request to show up, if one had been sent
        noProblems();
        List<StrictUpstream.Received> got = new ArrayList<>(gateway.upstream().received);
        assertEquals(2, got.size(), "exactly the two requests the clients sent reached the app");
        assertEquals(smuggled.length(), got.get(0).bodyLength());
        assertEquals(String.valueOf(smuggled.length()), got.get(0).header("content-length"));
        assertEquals("/second", got.get(1).target());
    }

    @ParameterizedTest(name = "Connection: {0}")
    @ValueSource(strings = {"Host", "host, X-Forwarded-Host", "X-Forwarded-For", "Forwarded", "Via",
        "close, Host, Content-Length, Transfer-Encoding, X-Forwarded-Proto"})
    void aConnectionTokenCannotRemoveHostOrTheForwardingFields(String connection) throws Exception {
        RawHttp.Response r = exchange("POST /named HTTP/1.1\r\nHost: www.example.cn\r\nContent-Length: 3\r\n"
                + "Connection: " + connection + "\r\n\r\nabc");
        assertEquals(200, r.status());
        assertEquals("host=www.example.cn target=/named body=3", r.text());
        noProblems();
        StrictUpstream.Received got = gateway.upstream().received.peek();
        assertEquals("3", got.header("content-length"));
        assertEquals("http", got.header("x-forwarded-proto"));
    }

    @Test
    void otherFieldsTheConnectionNamesAreRemoved() throws Exception {
        assertEquals(200, exchange("GET /n HTTP/1.1\r\nHost: example.cn\r\nConnection: X-Private\r\n"
                + "X-Private: secret\r\nX-Public: shown\r\n\r\n").status());
        noProblems();
        StrictUpstream.Received got = gateway.upstream().received.peek();
        assertEquals(null, got.header("x-private"));
        assertEquals("shown", got.header("x-public"));
    }

    @Test
    void anUpstreamsConnectionFieldCannotRemoveTheResponsesFramingEither() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /hostile-response HTTP/1.1\r\nHost: example.cn\r\n\r\nGET /next HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response first = raw.read();
            assertEquals("host=example.cn target=/hostile-response body=0", first.text());
            assertNotNull(first.header("content-length"), "the client is told where the answer ends");
            assertEquals("host=example.cn target=/next body=0", raw.read().text(), "and the next answer starts there");
        }
        noProblems();
    }

    // ---------------------------------------------------------------- 3. framing written by the gateway

    @Test
    void contentLengthIsPassedOnInCanonicalForm() throws Exception {
        RawHttp.Response r = exchange("POST /zeros HTTP/1.1\r\nHost: example.cn\r\n"
                + "Content-Length: 0000000000000000000005\r\n\r\nhello");
        assertEquals("host=example.cn target=/zeros body=5", r.text());
        noProblems();
        assertEquals("5", gateway.upstream().received.peek().header("content-length"));
    }

    @Test
    void aSmallChunkedBodyIsSentWithItsLengthAndALargeOneChunked() throws Exception {
        RawHttp.Response small = exchange("POST /chunks HTTP/1.1\r\nHost: example.cn\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertEquals("host=example.cn target=/chunks body=5", small.text());
        assertEquals("5", gateway.upstream().received.poll().header("content-length"), "read whole: sent with its length");
        String piece = "x".repeat(40_000);
        StringBuilder big = new StringBuilder("POST /chunks HTTP/1.1\r\nHost: example.cn\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 3; i++) {
            big.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
        }
        RawHttp.Response large = exchange(big.append("0\r\n\r\n").toString());
        assertEquals("host=example.cn target=/chunks body=120000", large.text());
        StrictUpstream.Received got = gateway.upstream().received.poll();
        assertEquals("chunked", got.header("transfer-encoding"), "over limits.request-buffer: streamed chunked");
        noProblems();
    }

    @Test
    void chunkedInAnyCaseWithWhitespaceAroundIsTheOneCodingPassed() throws Exception {
        // only a coding before chunked is refused (501, HostileInputTest); chunked alone is read in any spelling
        RawHttp.Response r = exchange("POST /chunks HTTP/1.1\r\nHost: example.cn\r\nTransfer-Encoding: \tChunKED \r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n");
        assertEquals("host=example.cn target=/chunks body=3", r.text());
        assertEquals("3", gateway.upstream().received.poll().header("content-length"));
        noProblems();
    }

    @Test
    void theAsteriskFormOfOptionsIsPassedAsItCame() throws Exception {
        // RFC 9112 §3.2.4: for OPTIONS only (another method with it is 400, HostileInputTest)
        RawHttp.Response r = exchange("OPTIONS * HTTP/1.1\r\nHost: example.cn\r\n\r\n");
        assertEquals("host=example.cn target=* body=0", r.text());
        noProblems();
    }

    @Test
    void absoluteFormIsPassedInOriginFormWithItsAuthorityAsHost() throws Exception {
        RawHttp.Response r = exchange("GET http://www.example.cn/abs?q=1 HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n");
        assertEquals("host=www.example.cn target=/abs?q=1 body=0", r.text());
        noProblems();
    }

    // ---------------------------------------------------------------- 4. the request line

    static Stream<String> controlBytes() {
        return IntStream.concat(IntStream.rangeClosed(0x00, 0x1F), IntStream.of(0x7F))
                .filter(b -> b != '\r' && b != '\n')
                .mapToObj(b -> "GET /a" + (char) b + "b HTTP/1.1\r\nHost: example.cn\r\n\r\n");
    }

    static Stream<String> crookedLines() {
        String h = "\r\nHost: example.cn\r\n\r\n";
        return Stream.of("GET /a\tHTTP/1.1" + h, "GET\t/a HTTP/1.1" + h, "GET  /a HTTP/1.1" + h, "GET /a  HTTP/1.1" + h,
                " GET /a HTTP/1.1" + h, "GET /a b HTTP/1.1" + h, "GET /a http/1.1" + h, "GET /a HTTP/1.1x" + h,
                "GET /a HTTP/11" + h, "G(T /a HTTP/1.1" + h, "GET /a\u000bHTTP/1.1" + h, "\u0001GET /a HTTP/1.1" + h,
                "GET /a HTTP/1.1\rX: y" + h);
    }

    @ParameterizedTest
    @MethodSource({"controlBytes", "crookedLines"})
    void aRequestLineNotExactlyMethodSpTargetSpVersionIs400AndClosed(String request) throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send(request);
            RawHttp.Response r = raw.read();
            assertEquals(400, r.status());
            assertTrue(raw.closedByServer());
        }
        Thread.sleep(20);
        assertTrue(gateway.upstream().received.isEmpty(), "never forwarded");
        noProblems();
    }

    @Test
    void targetAndFieldBytesAbove0x7FArePassedOnExactlyAsReceived() throws Exception {
        byte[] head = "GET /caf\u00e9/\u0080\u00ff?x=\u00e4 HTTP/1.1\r\nHost: example.cn\r\nX-Name: caf\u00e9\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.sendBytes(head);
            assertEquals(200, raw.read().status());
        }
        noProblems();
        StrictUpstream.Received got = gateway.upstream().received.peek();
        assertEquals("/caf\u00e9/\u0080\u00ff?x=\u00e4", got.target(), "the same bytes, not UTF-8 re-encoded");
        assertEquals("caf\u00e9", got.header("x-name"));
    }

    @Test
    void crlfBeforeTheRequestLineIsAllowed() throws Exception {
        assertEquals(200, exchange("\r\nGET /after-crlf HTTP/1.1\r\nHost: example.cn\r\n\r\n").status());
        noProblems();
    }

    // ---------------------------------------------------------------- 5, 6. underscores, Forwarded

    @Test
    void fieldsWithUnderscoresAreDroppedByDefault() throws Exception {
        RawHttp.Response r = exchange("POST /u HTTP/1.1\r\nHost: example.cn\r\nContent-Length: 3\r\n"
                + "Transfer_Encoding: chunked\r\nContent_Length: 10\r\nX_Custom: 1\r\n\r\nabc");
        assertEquals("host=example.cn target=/u body=3", r.text());
        noProblems(); // the strict upstream refuses any name with an underscore
        StrictUpstream.Received got = gateway.upstream().received.peek();
        assertEquals(null, got.header("transfer_encoding"));
        assertEquals(null, got.header("x_custom"));
    }

    @Test
    void aClientsForwardedAndXForwardedFieldsAreReplaced() throws Exception {
        assertEquals(200, exchange("GET /f HTTP/1.1\r\nHost: www.example.cn:8080\r\nForwarded: host=unfiled.example.org\r\n"
                + "Forwarded: for=1.2.3.4\r\nX-Forwarded-Host: unfiled.example.org\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-For: 10.0.0.1\r\n\r\n").status());
        noProblems();
        StrictUpstream.Received got = gateway.upstream().received.peek();
        assertEquals("for=127.0.0.1;proto=http;host=\"www.example.cn:8080\"", got.header("forwarded"));
        assertEquals("www.example.cn:8080", got.header("x-forwarded-host"));
        assertEquals("http", got.header("x-forwarded-proto"));
        assertEquals("10.0.0.1, 127.0.0.1", got.header("x-forwarded-for"), "appended to, as SPEC §7 says");
    }

    // ---------------------------------------------------------------- 7. slow bodies, stalled uploads

    @Test
    void slowBodiesAreAnswered408AndTakeNoUpstreamConnection() throws Exception {
        int connectionsBefore = gateway.upstream().connections.get();
        List<RawHttp> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawHttp c = new RawHttp(gateway.fixture().port());
                c.send("POST /slow-body HTTP/1.1\r\nHost: example.cn\r\nContent-Length: 10000\r\n\r\nab");
                clients.add(c);
            }
            long start = System.nanoTime();
            for (int tick = 0; tick < 12; tick++) { // a byte per client every 250 ms: far under 1 KiB/s, never idle
                Thread.sleep(250);
                for (RawHttp c : clients) {
                    try {
                        c.send("c");
                    } catch (IOException closed) {
                        // answered already
                    }
                }
            }
            for (RawHttp c : clients) {
                RawHttp.Response r = c.read();
                assertEquals(408, r.status());
                assertTrue(c.closedByServer());
            }
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited < 6000, "cut off after " + waited + " ms");
        } finally {
            for (RawHttp c : clients) {
                c.close();
            }
        }
        assertEquals(connectionsBefore, gateway.upstream().connections.get(), "bodies within request-buffer take no upstream connection");
        assertTrue(gateway.upstream().received.isEmpty());
    }

    @Test
    void aSlowLargeBodyIsCutOffAndItsUpstreamConnectionClosed() throws Exception {
        try (RawHttp c = new RawHttp(gateway.fixture().port())) {
            c.send("POST /slow-large HTTP/1.1\r\nHost: example.cn\r\nContent-Length: 1000000\r\n\r\nab");
            long start = System.nanoTime();
            // keep trickling until answered, so that the idle timeout (2 s) never fires: only the rate can end it
            for (int tick = 0; tick < 40 && c.input().available() == 0; tick++) {
                Thread.sleep(200);
                try {
                    c.send("c");
                } catch (IOException closed) {
                    break;
                }
            }
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, c.read().status());
            assertTrue(c.closedByServer());
            assertTrue(waited < 5000, "cut off after " + waited + " ms: 1 s grace, then 1 KiB/s");
        }
        long deadline = System.currentTimeMillis() + 3000;
        while (gateway.upstream().open.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        // keep-alive connections of other tests may sit in the pool; none may hold half of this request
        assertTrue(gateway.upstream().received.isEmpty());
        noProblems();
    }

    @Test
    void anUpstreamThatStopsReadingTheBodyEndsTheExchangeWith504() throws Exception {
        try (RawHttp c = new RawHttp(gateway.fixture().port())) {
            long size = 256L << 20;
            c.send("POST /no-read HTTP/1.1\r\nHost: example.cn\r\nContent-Length: " + size + "\r\n\r\n");
            Thread writer = new Thread(() -> {
                byte[] block = new byte[64 * 1024];
                try {
                    for (long sent = 0; sent < size; sent += block.length) {
                        c.output().write(block);
                    }
                } catch (IOException closed) {
                    // the gateway gave up: expected
                }
            });
            writer.setDaemon(true);
            writer.start();
            c.setTimeout(15_000);
            long start = System.nanoTime();
            RawHttp.Response r = c.read();
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, r.status());
            assertEquals("upstream_timeout", r.header("x-beian-reason"));
            assertTrue(waited < 10_000, "answered after " + waited + " ms; idle is 2 s");
            assertTrue(c.closedByServer());
        }
    }

    // ---------------------------------------------------------------- 8. every request ends once, counted and logged

    @Test
    void aClientThatGoesAwayMidExchangeIsCountedAndLogged499() throws Exception {
        String series = "beian_requests_total{outcome=\"client_abort\",protocol=\"http1\"}";
        double before = AdminTest.metric(metrics(), series);
        try (var lines = dev.beian.gateway.testing.LogLines.access()) {
            try (RawHttp c = new RawHttp(gateway.fixture().port())) {
                c.send("GET /slow?ms=500 HTTP/1.1\r\nHost: example.cn\r\n\r\n");
                gateway.upstream().awaitReceived(1, 2000);
            }
            List<Map<String, Object>> got = lines.await("/slow?ms=500", 1, 3000);
            assertEquals(1, got.size(), got.toString());
            assertEquals(499, got.get(0).get("status"));
            assertEquals("client_abort", got.get(0).get("outcome"));
            assertEquals("example.cn", got.get(0).get("host"));
        }
        assertEquals(before + 1, AdminTest.metric(metrics(), series));
    }

    @Test
    void aHeadThatTakesTooLongIsLoggedWithItsRealDuration() throws Exception {
        try (var lines = dev.beian.gateway.testing.LogLines.access(); RawHttp c = new RawHttp(gateway.fixture().port())) {
            c.send("GET /never-ends HTTP/1.1\r\nHost: exa");
            assertEquals(408, c.read().status());
            List<Map<String, Object>> got = lines.await("-", 1, 3000);
            assertEquals(1, got.size(), got.toString());
            assertEquals(408, got.get(0).get("status"));
            assertEquals("bad_request", got.get(0).get("outcome"));
            assertTrue((Double) got.get(0).get("duration_ms") >= 900, got.get(0).toString());
        }
    }

    @Test
    void aMalformedHeadIsLogged() throws Exception {
        try (var lines = dev.beian.gateway.testing.LogLines.access()) {
            assertEquals(400, exchange("GET /a\tHTTP/1.1\r\nHost: example.cn\r\n\r\n").status());
            List<Map<String, Object>> got = lines.await("-", 1, 3000);
            assertEquals(1, got.size(), got.toString());
            assertEquals(400, got.get(0).get("status"));
        }
    }

    @Test
    void http10WithoutHostIsLoggedAndShownAsADash() throws Exception {
        try (var lines = dev.beian.gateway.testing.LogLines.access()) {
            RawHttp.Response r = exchange("GET / HTTP/1.0\r\n\r\n");
            assertEquals(451, r.status());
            assertFalse(r.text().contains("<code></code>"), "no empty host on the page");
            assertTrue(r.text().contains("<code>-</code>"));
            List<Map<String, Object>> got = lines.await("/", 1, 3000);
            assertEquals(1, got.size());
            assertTrue(got.get(0).get("message").toString().contains(" - GET / 451 unfiled "),
                    got.get(0).get("message").toString());
        }
    }

    static String metrics() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gateway.fixture().adminPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertNotNull(r.body());
        return r.body();
    }
}
