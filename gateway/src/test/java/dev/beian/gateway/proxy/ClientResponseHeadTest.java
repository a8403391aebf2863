package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientResponseHeadTest {
    static HttpResponse upstream(String... fields) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, new HttpResponseStatus(299, "Fine Indeed"));
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    static List<String> lines(HttpResponse r) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> h : r.headers()) {
            out.add(h.getKey().toLowerCase() + ": " + h.getValue());
        }
        return out;
    }

    /** The head as the gateway's decoder reads it from the bytes an upstream would send. */
    static UpstreamResponse parsed(HttpResponse response) throws ResponseHeadParser.Malformed {
        EmbeddedChannel upstream = new EmbeddedChannel(new HttpResponseEncoder());
        upstream.writeOutbound(response);
        ByteBuf sent = upstream.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(sent);
        sent.release();
        upstream.finishAndReleaseAll();
        return ResponseHeadParser.parse(bytes, bytes.length);
    }

    /** What a client reads from the bytes the gateway writes. */
    static HttpResponse written(HttpResponse response, ClientResponseHead.Framing framing) throws Exception {
        EncodedHead head = ClientResponseHead.encode(parsed(response), framing, UnpooledByteBufAllocator.DEFAULT);
        assertNull(head.method());
        assertEquals(framing.chunked(), head.chunked());
        String text = head.content().toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("HTTP/1.1 299 Fine Indeed\r\n"), text);
        assertTrue(text.endsWith("\r\n\r\n"), text);
        return ExchangeHarness.HeadsAsObjects.readBack(head, false);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("hop-by-hop fields and those Connection names go; the length is the parsed one",
                new String[] {"Server", "app", "Connection", "keep-alive, X-Secret", "Keep-Alive", "timeout=5",
                    "X-Secret", "1", "Content-Length", "0012", "Proxy-Authenticate", "Basic", "Set-Cookie", "a=1"},
                new ClientResponseHead.Framing(12, false, null),
                List.of("server: app", "set-cookie: a=1", "content-length: 12", "via: 1.1 beian-gateway")),
            Arguments.of("chunked from the upstream, chunked again by the gateway; every Via line kept",
                new String[] {"Transfer-Encoding", "chunked", "Via", "1.1 cdn", "Trailer", "X-T", "Via", "1.0 app"},
                new ClientResponseHead.Framing(-1, true, null),
                List.of("transfer-encoding: chunked", "via: 1.1 cdn, 1.0 app, 1.1 beian-gateway")),
            Arguments.of("a Connection token cannot remove the framing or Via; the client's connection is the gateway's",
                new String[] {"Connection", "content-length, via, transfer-encoding", "Content-Length", "3",
                    "Via", "1.1 app", "Upgrade", "h2c"},
                new ClientResponseHead.Framing(3, false, "close"),
                List.of("content-length: 3", "via: 1.1 app, 1.1 beian-gateway", "connection: close")),
            Arguments.of("an HTTP/1.0 client kept alive is told so; no framing when there is no body",
                new String[] {"ETag", "\"x\"", "Content-Length", "7"},
                new ClientResponseHead.Framing(-1, false, "keep-alive"),
                List.of("etag: \"x\"", "via: 1.1 beian-gateway", "connection: keep-alive")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theHeadIsTheUpstreamsEndToEndFieldsAndTheGatewaysFraming(String why, String[] fields,
                                                                  ClientResponseHead.Framing framing,
                                                                  List<String> expected) throws Exception {
        HttpResponse read = written(upstream(fields), framing);
        assertEquals(expected, lines(read));
        assertEquals(HttpVersion.HTTP_1_1, read.protocolVersion());
        // HTTP/2 streams get the same fields in a HEADERS frame, without the connection's (RFC 9113 §8.2.2)
        Http2Headers h2 = ClientResponseHead.http2(parsed(upstream(fields)), framing);
        assertEquals("299", h2.status().toString());
        List<String> h2Lines = new ArrayList<>();
        h2.forEach(f -> {
            if (f.getKey().charAt(0) != ':') {
                h2Lines.add(f.getKey() + ": " + f.getValue());
            }
        });
        assertEquals(expected.stream().filter(l -> !l.startsWith("transfer-encoding:") && !l.startsWith("connection:"))
                .toList(), h2Lines);
    }
}
