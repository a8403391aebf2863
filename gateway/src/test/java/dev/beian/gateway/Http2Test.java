package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.H2Client;
import dev.beian.gateway.testing.LogLines;
import dev.beian.gateway.testing.TestCertificates;
import dev.beian.gateway.testing.TestUpstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §7 HTTP/2: offered by ALPN; each stream decided, blocked or forwarded exactly as an HTTP/1.1 request,
 * to the HTTP/1.1 upstreams; the flood defences close an abusive connection and serve the others.
 */
class Http2Test {
    @RegisterExtension
    static final GatewayExtension<TestUpstream> gateway = GatewayExtension.testUpstream().config("timeouts:\n  idle: 2s\n").https(
            certs -> TestCertificates.write(certs, "example", "example.cn", "*.example.cn"));

    static int https() {
        return gateway.httpsPort();
    }

    /** The connection still serves a good request after whatever the test did to one of its streams. */
    static void servesOn(H2Client h2, String host) throws Exception {
        FullHttpResponse ok = h2.send(get("/echo", host));
        assertEquals(200, ok.status().code(), "the connection serves on");
        ok.release();
    }

    static FullHttpRequest get(String path, String host) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set("Host", host);
        return r;
    }

    static double requests(String outcome, String protocol) {
        var c = gateway.fixture().gateway.meters().find("beian_requests").tags("outcome", outcome, "protocol", protocol).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void streamsAreForwardedToTheHttp1UpstreamAndCountedAsH2() throws Exception {
        double before = requests("forwarded", "h2");
        try (H2Client h2 = new H2Client(https(), "www.example.cn")) {
            assertEquals("h2", h2.protocol());
            for (int i = 0; i < 3; i++) {
                FullHttpResponse r = h2.send(get("/echo?i=" + i, "www.example.cn"));
                try {
                    assertEquals(200, r.status().code());
                    String text = r.content().toString(StandardCharsets.UTF_8);
                    assertTrue(text.contains("version: HTTP/1.1"), text);
                    assertTrue(text.contains("host: www.example.cn"), text);
                    assertTrue(text.contains("x-forwarded-proto: https"), text);
                    // the answer's head: the upstream's fields, the gateway's Via and length, nothing of a connection's
                    assertEquals("1.1 beian-gateway", r.headers().get("via"));
                    assertEquals(String.valueOf(r.content().readableBytes()), r.headers().get("content-length"));
                    assertEquals("text/plain; charset=utf-8", r.headers().get("content-type"));
                    assertEquals(null, r.headers().get("connection"));
                    assertEquals(null, r.headers().get("keep-alive"));
                    assertEquals(null, r.headers().get("x-hop"), "named by the upstream's Connection");
                } finally {
                    r.release();
                }
            }
        }
        assertEquals(before + 3, requests("forwarded", "h2"));
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (H2Client h2 = new H2Client(https(), "www.example.cn")) {
            FullHttpResponse r = h2.send(get("/echo", "www.example.cn"));
            r.release();
            long start = System.nanoTime();
            assertTrue(h2.awaitClose(6000), "closed once idle");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 1500, "after " + waited + " ms; idle is 2 s");
        }
    }

    @Test
    void bodiesStreamBothWays() throws Exception {
        byte[] body = new byte[3 << 20];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }
        try (H2Client h2 = new H2Client(https(), "example.cn")) {
            FullHttpRequest up = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload",
                    Unpooled.wrappedBuffer(body));
            up.headers().set("Host", "example.cn");
            FullHttpResponse r = h2.send(up);
            try {
                String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)) + " " + body.length;
                assertEquals(expected, r.content().toString(StandardCharsets.UTF_8));
            } finally {
                r.release();
            }
            FullHttpResponse down = h2.send(get("/download?size=5000000", "example.cn"));
            try {
                assertEquals(200, down.status().code());
                assertEquals(5_000_000, down.content().readableBytes());
                assertEquals(TestUpstream.byteAt(4_999_999), down.content().getByte(4_999_999));
            } finally {
                down.release();
            }
        }
    }

    /**
     * A stream whose client grants no flow-control window past the first 64 KiB (it reads nothing): the gateway
     * must hold the upstream back rather than buffer its answer (RFC 9113 §5.2; CVE-2019-9517, "internal data
     * buffering"). Two hundred megabytes are asked for; buffer memory stays low and the upstream connection
     * is not read ahead of the client.
     */
    @Test
    void aStreamThatGrantsNoWindowHoldsTheUpstreamBack() throws Exception {
        long size = 200L * 1024 * 1024;
        try (H2Client h2 = new H2Client(https(), "example.cn")) {
            long peak = StreamingTest.peakBufferGrowth(() -> {
                Http2StreamChannel stream = h2.open(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.config().setAutoRead(false); // frames stay unread: no WINDOW_UPDATE is sent
                    }
                });
                DefaultHttp2Headers head = new DefaultHttp2Headers();
                head.method("GET").path("/download?size=" + size).scheme("https").authority("example.cn");
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(head, true)).sync();
                Thread.sleep(2000);
                stream.close();
            });
            assertTrue(peak < 16L * 1024 * 1024, "buffer memory rose by " + peak / 1024 / 1024 + " MiB");
            servesOn(h2, "example.cn");
        }
    }

    /**
     * The other way: an upload faster than the upstream reads it. The gateway stops reading the stream, so its
     * flow-control window is not renewed and the client is held back, rather than the body piling up in the
     * gateway (RFC 9113 §5.2). The upstream's /slow-upload reads one buffer every 10 ms.
     */
    @Test
    void aSlowUpstreamHoldsAnUploadingStreamBack() throws Exception {
        long size = 200L * 1024 * 1024;
        AtomicLong sent = new AtomicLong();
        try (H2Client h2 = new H2Client(https(), "example.cn")) {
            long peak = StreamingTest.peakBufferGrowth(() -> {
                Http2StreamChannel stream = h2.open(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                });
                DefaultHttp2Headers head = new DefaultHttp2Headers();
                head.method("POST").path("/slow-upload").scheme("https").authority("example.cn")
                        .setLong("content-length", size);
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(head, false)).sync();
                byte[] chunk = new byte[16 * 1024];
                long deadline = System.currentTimeMillis() + 2000;
                while (System.currentTimeMillis() < deadline && stream.isActive()) {
                    if (stream.isWritable()) { // the stream's window and the connection's both have room
                        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(chunk), false));
                        sent.addAndGet(chunk.length);
                    } else {
                        Thread.sleep(1);
                    }
                }
                stream.close();
            });
            assertTrue(sent.get() > 0 && sent.get() < size / 4, "the client was held back: sent " + sent.get());
            assertTrue(peak < 16L * 1024 * 1024, "buffer memory rose by " + peak / 1024 / 1024 + " MiB");
            servesOn(h2, "example.cn");
        }
    }

    @Test
    void aStreamForAnotherHostIs421AndTheConnectionServesOn() throws Exception {
        double before = requests("misdirected", "h2");
        try (H2Client h2 = new H2Client(https(), "www.example.cn")) {
            FullHttpResponse r = h2.send(get("/echo", "shop.example.cn"));
            assertEquals(421, r.status().code());
            r.release();
            FullHttpResponse ok = h2.send(get("/echo", "www.example.cn"));
            assertEquals(200, ok.status().code());
            ok.release();
        }
        assertEquals(before + 1, requests("misdirected", "h2"));
    }

    @Test
    void theConversionsFieldsAndAClientsOwnUnderTheirNamesNeverReachTheUpstream() throws Exception {
        try (H2Client h2 = new H2Client(https(), "www.example.cn")) {
            DefaultHttp2Headers head = new DefaultHttp2Headers();
            head.method("GET").path("/echo").scheme("https").authority("www.example.cn");
            head.add("x-http2-scheme", "http").add("x-http2-path", "/admin").add("x-kept", "1");
            FullHttpResponse r = h2.send(head);
            try {
                String text = r.content().toString(StandardCharsets.UTF_8);
                assertEquals(200, r.status().code(), text);
                assertFalse(text.contains("x-http2-"), text);
                assertTrue(text.contains("x-kept: 1") && text.contains("x-forwarded-proto: https"), text);
            } finally {
                r.release();
            }
        }
    }

    /**
     * expected (400, or "reset": Netty's frame codec resets the stream before the head is read, RFC 9113
     * §8.2.1), method, :path, :authority, host (null: none), one more field as "name: value" (null: none).
     * A field specific to a connection (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade)
     * or a TE other than "trailers" makes a request malformed too (RFC 9113 §8.2.2): on the way to an HTTP/1.1
     * upstream a Transfer-Encoding would be a second framing beside the one the gateway writes, a Connection
     * could name fields away. The rows hold Netty's codec to resetting those, under any upgrade.
     */
    static Stream<Arguments> malformedHeads() {
        return Stream.of(
                Arguments.of("reset", "GET", "/echo HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\nGET /x", "www.example.cn", null, null),
                Arguments.of("reset", "GET", "/echo\u0000", "www.example.cn", null, null),
                Arguments.of("reset", "GET", "/echo\u007f", "www.example.cn", null, null),
                Arguments.of("reset", "GET", "/echo", "www.example.cn", null, "x-a: a\r\nHost: unfiled.example.org"),
                Arguments.of("reset", "GET", "/echo", "www.example.cn", null, "connection: keep-alive"),
                Arguments.of("reset", "GET", "/echo", "www.example.cn", null, "transfer-encoding: chunked"),
                Arguments.of("reset", "GET", "/echo", "www.example.cn", null, "keep-alive: timeout=5"),
                Arguments.of("reset", "GET", "/echo", "www.example.cn", null, "proxy-connection: keep-alive"),
                Arguments.of("reset", "GET", "/echo", "www.example.cn", null, "upgrade: h2c"),
                Arguments.of("reset", "GET", "/echo", "www.example.cn", null, "te: gzip"),
                Arguments.of("400", "GET", "/echo x", "www.example.cn", null, null),
                Arguments.of("400", "POST", "/echo x", "www.example.cn", null, null),
                Arguments.of("400", "GET", "/echo\tHTTP/1.0", "www.example.cn", null, null),
                Arguments.of("reset", "GET", "/echo\u0001", "www.example.cn", null, null),
                Arguments.of("400", "GET", "echo", "www.example.cn", null, null),
                Arguments.of("400", "G(T", "/echo", "www.example.cn", null, null),
                Arguments.of("400", "GET", "*", "www.example.cn", null, null),
                Arguments.of("400", "GET", "http://www.example.cn/echo", "www.example.cn", null, null),
                Arguments.of("400", "GET", "/echo", "www.example.cn", "unfiled.example.org", null),
                Arguments.of("400", "GET", "/echo", "unfiled.example.org", "www.example.cn", null),
                Arguments.of("400", "GET", "/echo", "www.example.cn", "shop.example.cn", null));
    }

    @ParameterizedTest
    @MethodSource("malformedHeads")
    void aMalformedHeadIsRefusedAndNeverForwarded(String expected, String method, String path, String authority,
                                                  String host, String field) throws Exception {
        // RFC 9113 §8.1.1: malformed, never forwarded; a server may answer before it closes the stream. The
        // LeakGuard of this class fails it if a refused head leaks a buffer (Netty's conversion did, for a bad :path).
        int before = gateway.upstream().requests();
        try (H2Client h2 = new H2Client(https(), "www.example.cn")) {
            DefaultHttp2Headers head = new DefaultHttp2Headers(false);
            head.method(method).path(path).scheme("https").authority(authority);
            if (host != null) {
                head.add("host", host);
            }
            if (field != null) {
                int colon = field.indexOf(": ");
                head.add(field.substring(0, colon), field.substring(colon + 2));
            }
            if (expected.equals("reset")) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> h2.send(head).release());
                assertTrue(String.valueOf(e.getCause()).contains("without an answer"), e.toString());
            } else {
                FullHttpResponse r = h2.send(head);
                try {
                    assertEquals(400, r.status().code(), r.content().toString(StandardCharsets.UTF_8));
                } finally {
                    r.release();
                }
            }
            servesOn(h2, "www.example.cn");
        }
        assertEquals(before + 1, gateway.upstream().requests(),
                "only the good request was forwarded");
    }

    /** "te: trailers" is allowed (RFC 9113 §8.2.2), and goes no further than the gateway. */
    @Test
    void teTrailersIsAllowedAndEndsAtTheGateway() throws Exception {
        try (H2Client h2 = new H2Client(https(), "www.example.cn")) {
            DefaultHttp2Headers head = new DefaultHttp2Headers(false);
            head.method("GET").path("/echo").scheme("https").authority("www.example.cn").add("te", "trailers");
            FullHttpResponse r = h2.send(head);
            try {
                assertEquals(200, r.status().code());
                String echoed = r.content().toString(StandardCharsets.UTF_8);
                assertTrue(echoed.contains("uri: /echo"), echoed);
                assertFalse(echoed.contains("\nte:"), "TE is hop-by-hop (RFC 9110 §10.1.4): " + echoed);
            } finally {
                r.release();
            }
        }
    }

    @Test
    void optionsAsteriskAndBytesAbove0x7FInThePathGoOnAsTheyCame() throws Exception {
        try (H2Client h2 = new H2Client(https(), "www.example.cn")) {
            DefaultHttp2Headers options = new DefaultHttp2Headers();
            options.method("OPTIONS").path("*").scheme("https").authority("www.example.cn");
            FullHttpResponse r = h2.send(options);
            assertEquals(200, r.status().code());
            assertTrue(r.content().toString(StandardCharsets.UTF_8).contains("uri: *"));
            r.release();
            DefaultHttp2Headers raw = new DefaultHttp2Headers();
            raw.method("GET").path("/caf\u00e9").scheme("https").authority("www.example.cn");
            FullHttpResponse cafe = h2.send(raw);
            assertEquals(200, cafe.status().code());
            // the upstream reads the target as Latin-1 and answers in UTF-8: the one byte 0xE9 arrived as it was sent
            assertTrue(cafe.content().toString(StandardCharsets.UTF_8).contains("uri: /caf\u00e9"),
                    cafe.content().toString(StandardCharsets.UTF_8));
            cafe.release();
        }
    }

    /**
     * A stream's content-length and its DATA must agree (RFC 9113 §8.1.1): the upstream's request is framed by
     * that length, so a body longer than it would leave a request of the client's making on the pooled
     * connection (CVE-2021-21295 in Netty's conversion), and a shorter one would make the upstream read the
     * next request's bytes as body. Neither is forwarded; the connection serves on. A stream the frame codec
     * reset after its head was admitted is logged as the bad request it was (400), not as a client gone (499).
     */
    @ParameterizedTest(name = "content-length {0} with a body of {1} bytes")
    @MethodSource("lengthsThatLie")
    void aBodyThatDisagreesWithItsContentLengthIsNeverForwarded(int declared, String body) throws Exception {
        int smuggledBefore = gateway.upstream().hits("/smuggled");
        int uploadsBefore = gateway.upstream().hits("/upload");
        try (H2Client h2 = new H2Client(https(), "example.cn"); LogLines access = LogLines.access()) {
            FullHttpRequest up = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload",
                    Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1));
            up.headers().set("Host", "example.cn").set("content-length", declared);
            try {
                FullHttpResponse r = h2.send(up);
                int status = r.status().code();
                r.release();
                assertEquals(400, status, "answered, if at all, as malformed");
            } catch (ExecutionException reset) {
                // the frame codec's answer: RST_STREAM
            }
            servesOn(h2, "example.cn");
            if (!body.isEmpty()) { // a head that ends its stream is reset before the gateway reads it: no line
                List<Map<String, Object>> lines = access.await("/upload", 1, 5000);
                assertEquals(1, lines.size(), "one line for the stream: " + lines);
                assertEquals(400, lines.get(0).get("status"), lines.toString());
                assertEquals("bad_request", lines.get(0).get("outcome"), lines.toString());
            }
        }
        assertEquals(smuggledBefore, gateway.upstream().hits("/smuggled"), "a request hidden in the body reached the upstream");
        assertEquals(uploadsBefore, gateway.upstream().hits("/upload"), "the lying request reached the upstream");
    }

    static Stream<Arguments> lengthsThatLie() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: example.cn\r\n\r\n";
        return Stream.of(
                Arguments.of(3, "abc" + smuggled),
                Arguments.of(0, smuggled),
                Arguments.of(100, "abc"),
                Arguments.of(5, ""));
    }

    @Test
    void rapidResetClosesTheAbusiveConnectionAndOthersAreServed() throws Exception {
        try (LogLines told = new LogLines("dev.beian.gateway.proxy.Http2Connection");
             LogLines unhandled = new LogLines("io.netty.channel.DefaultChannelPipeline")) {
            Thread.sleep(1100); // past the one line a second any earlier flood test caused
            rapidReset();
            // one line, no stack trace, nothing Netty calls unhandled
            assertEquals(1, told.messages().size(), told.messages().toString());
            assertTrue(told.messages().get(0).matches("HTTP/2 connection from 127\\.0\\.0\\.1 ended by the gateway: "
                    + ".*RST.* \\(GOAWAY ENHANCE_YOUR_CALM\\)"), told.messages().get(0));
            assertEquals(List.of(), unhandled.messages());
        }
    }

    private static void rapidReset() throws Exception {
        try (H2Client abuser = new H2Client(https(), "www.example.cn")) {
            for (int i = 0; i < 400 && abuser.isOpen(); i++) {
                Http2StreamChannel stream;
                try {
                    stream = abuser.open(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                        }
                    });
                } catch (Exception closed) {
                    break; // the gateway has had enough: GOAWAY and close
                }
                DefaultHttp2Headers headers = new DefaultHttp2Headers();
                headers.method("GET").path("/slow?ms=1000").scheme("https").authority("www.example.cn");
                stream.write(new DefaultHttp2HeadersFrame(headers, false));
                stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
            }
            assertTrue(abuser.awaitClose(10_000), "the rapid-reset connection was closed");
        }
        try (H2Client other = new H2Client(https(), "www.example.cn")) {
            FullHttpResponse r = other.send(get("/echo", "www.example.cn"));
            assertEquals(200, r.status().code());
            r.release();
        }
    }

    @Test
    void aContinuationFloodClosesTheConnection() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        boolean closed = false;
        try (SSLSocket socket = TestCertificates.connectAlpn(https(), "www.example.cn", "h2")) {
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(frame(0x4, 0, 0, new byte[0])); // SETTINGS
            out.write(frame(0x1, 0x1, 1, new byte[] {(byte) 0x82})); // HEADERS :method GET, END_STREAM, no END_HEADERS
            for (int i = 0; i < 200; i++) {
                out.write(frame(0x9, 0, 1, new byte[] {(byte) 0x84})); // CONTINUATION, one byte each: :path /
            }
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            while (System.currentTimeMillis() < deadline && in.read(buf) > 0) {
                // the server's SETTINGS, then GOAWAY
            }
            closed = true;
        } catch (java.net.SocketException reset) {
            closed = true; // a close with the flood still unread (or still being written) arrives as a reset
        }
        assertTrue(closed && System.currentTimeMillis() < deadline, "the connection was closed, not left waiting");
        try (H2Client other = new H2Client(https(), "www.example.cn")) {
            FullHttpResponse r = other.send(get("/echo", "www.example.cn"));
            assertEquals(200, r.status().code());
            r.release();
        }
    }

    @Test
    void aPingFloodFromAClientThatReadsNothingClosesTheConnection() throws Exception {
        long start = System.currentTimeMillis();
        long deadline = start + 60_000;
        boolean closed = false;
        java.net.Socket plain = new java.net.Socket();
        plain.setReceiveBufferSize(4096); // before connecting, so the window stays small: acks pile up at the gateway
        plain.connect(new java.net.InetSocketAddress("127.0.0.1", https()), 2000);
        try (SSLSocket socket = TestCertificates.over(plain, "www.example.cn", "h2")) {
            OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(frame(0x4, 0, 0, new byte[0]));
            byte[] ping = frame(0x6, 0, 0, new byte[8]);
            while (System.currentTimeMillis() < deadline) {
                for (int i = 0; i < 10_000; i++) {
                    out.write(ping);
                }
                out.flush();
            }
        } catch (java.net.SocketException closedByGateway) {
            closed = true;
        }
        assertTrue(closed, "the connection was closed before 60 s of PINGs");
        try (H2Client other = new H2Client(https(), "www.example.cn")) {
            FullHttpResponse r = other.send(get("/echo", "www.example.cn"));
            assertEquals(200, r.status().code());
            r.release();
        }
    }

    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }
}
