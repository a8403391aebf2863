package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.config.GatewayConfig.Underscores;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamRequestHeadTest {
    static HttpRequest client(String uri, String... fields) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.POST, uri);
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    static List<String> lines(HttpRequest head) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> h : head.headers()) {
            out.add(h.getKey() + ": " + h.getValue());
        }
        return out;
    }

    static HttpRequest head(HttpRequest request, UpstreamRequestHead.Framing framing) throws Exception {
        return of(request, "192.0.2.7", framing, Underscores.DROP, false);
    }

    /** The head the gateway writes, read back from its bytes as an upstream reads it. */
    static HttpRequest of(HttpRequest request, String client, UpstreamRequestHead.Framing framing,
                          Underscores underscores, boolean websocket) throws Exception {
        EncodedHead head = UpstreamRequestHead.of(request, Authority.of(request), client, false, framing, underscores,
                websocket, UnpooledByteBufAllocator.DEFAULT);
        assertEquals(request.method(), head.method());
        assertEquals(framing.chunked(), head.chunked());
        return ExchangeHarness.HeadsAsObjects.readBack(head, true);
    }

    @Test
    void theHeadIsWrittenInTheGatewaysOwnOrderAndWords() throws Exception {
        HttpRequest up = head(client("/p?q", "Host", "Example.CN:8080", "Accept", "*/*", "Content-Length", "0005",
                "X-Forwarded-For", "10.0.0.1", "Via", "1.0 other", "Cookie", "a=1"), UpstreamRequestHead.Framing.length(5));
        assertEquals(HttpVersion.HTTP_1_1, up.protocolVersion());
        assertEquals("/p?q", up.uri());
        assertEquals(List.of("host: Example.CN:8080", "Accept: */*", "Cookie: a=1", "content-length: 5",
                "X-Forwarded-For: 10.0.0.1, 192.0.2.7", "X-Forwarded-Proto: http", "X-Forwarded-Host: Example.CN:8080",
                "Forwarded: for=192.0.2.7;proto=http;host=\"Example.CN:8080\"", "via: 1.0 other, 1.1 beian-gateway"),
                lines(up));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "Content-Length", "Transfer-Encoding", "X-Forwarded-For", "X-Forwarded-Host",
        "X-Forwarded-Proto", "Forwarded", "Via", "host, content-length, forwarded"})
    void aConnectionTokenCannotRemoveWhatTheGatewayWrites(String token) throws Exception {
        HttpRequest up = head(client("/", "Host", "example.cn", "Connection", token, "Transfer-Encoding", "chunked"),
                UpstreamRequestHead.Framing.CHUNKED);
        assertEquals("example.cn", up.headers().get("Host"));
        assertEquals("chunked", up.headers().get("Transfer-Encoding"));
        assertEquals("192.0.2.7", up.headers().get("X-Forwarded-For"));
        assertEquals(1, up.headers().getAll("Forwarded").size());
        assertFalse(up.headers().contains("Connection"));
    }

    @Test
    void hopByHopNamedUnderscoredAndClientForwardingFieldsStayBehind() throws Exception {
        HttpRequest up = head(client("/", "Host", "example.cn", "Connection", "X-Private, keep-alive",
                "X-Private", "s", "Keep-Alive", "timeout=5", "TE", "trailers", "Trailer", "X", "Upgrade", "h2c",
                "Proxy-Authorization", "Basic x", "Proxy-Connection", "keep-alive", "Expect", "100-continue",
                "Transfer_Encoding", "chunked", "Content_Length", "3", "Forwarded", "host=evil", "X-Forwarded-Host", "evil",
                "X-Forwarded-Proto", "https", "X-Kept", "yes"), UpstreamRequestHead.Framing.NONE);
        assertEquals(List.of("host: example.cn", "X-Kept: yes", "X-Forwarded-For: 192.0.2.7", "X-Forwarded-Proto: http",
                "X-Forwarded-Host: example.cn", "Forwarded: for=192.0.2.7;proto=http;host=example.cn",
                "via: 1.1 beian-gateway"), lines(up));
    }

    @Test
    void underscoresPassOnlyWhenAskedAndAreSeenForReject() throws Exception {
        HttpRequest request = client("/", "Host", "example.cn", "X_Custom", "1");
        assertTrue(UpstreamRequestHead.hasUnderscoreName(request.headers()));
        assertFalse(UpstreamRequestHead.hasUnderscoreName(client("/", "Host", "example.cn").headers()));
        HttpRequest up = of(request, "192.0.2.7", UpstreamRequestHead.Framing.NONE, Underscores.PASS, false);
        assertEquals("1", up.headers().get("X_Custom"));
    }

    @Test
    void absoluteFormGoesInOriginFormWithItsAuthorityAndIpv6ClientsAreQuoted() throws Exception {
        HttpRequest request = client("http://www.example.cn/a?b", "Host", "unfiled.example.org");
        HttpRequest up = of(request, "2001:db8::1", UpstreamRequestHead.Framing.NONE, Underscores.DROP, false);
        assertEquals("/a?b", up.uri());
        assertEquals(List.of("www.example.cn"), up.headers().getAll("Host"));
        assertEquals("for=\"[2001:db8::1]\";proto=http;host=www.example.cn", up.headers().get("Forwarded"));
    }

    @Test
    void aWebSocketUpgradeIsTheOnlyUpgradeWritten() throws Exception {
        HttpRequest request = client("/ws", "Host", "example.cn", "Upgrade", "websocket", "Connection", "Upgrade");
        HttpRequest up = of(request, "192.0.2.7", UpstreamRequestHead.Framing.NONE, Underscores.DROP, true);
        assertEquals("websocket", up.headers().get("Upgrade"));
        assertEquals("upgrade", up.headers().get("Connection"));
    }
}
