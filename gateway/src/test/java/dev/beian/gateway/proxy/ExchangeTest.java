package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every path of an exchange, with embedded channels on both sides and a clock that moves when told. */
class ExchangeTest {
    ExchangeHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ExchangeHarness();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    static HttpResponse ok(long length) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set("Content-Length", length);
        return r;
    }

    static HttpContent last(String text) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Sends a bodiless GET from the client; returns the head the upstream received. */
    HttpRequest forwardGet(String uri) {
        h.client.writeInbound(ExchangeHarness.get(uri, "www.example.cn"), LastHttpContent.EMPTY_LAST_CONTENT);
        HttpRequest head = h.lastUpstream().readOutbound();
        LastHttpContent end = h.lastUpstream().readOutbound();
        assertEquals(0, end.content().readableBytes());
        return head;
    }

    String clientText() {
        StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = h.client.readOutbound()) != null) {
            if (o instanceof HttpContent c) {
                sb.append(c.content().toString(StandardCharsets.UTF_8));
            }
            ReferenceCountUtil.release(o);
        }
        return sb.toString();
    }

    @Test
    void forwardedRequestAndAnswerThenTheConnectionIsPooled() {
        HttpRequest head = forwardGet("/a?b");
        assertEquals("/a?b", head.uri());
        assertEquals("www.example.cn", head.headers().get("Host"));
        assertEquals("for=embedded;proto=http;host=www.example.cn", head.headers().get("Forwarded"));
        h.lastUpstream().writeInbound(ok(2), last("hi"));
        HttpResponse r = h.client.readOutbound();
        assertEquals(200, r.status().code());
        assertEquals("1.1 beian-gateway", r.headers().get("Via"));
        assertEquals("hi", clientText());
        assertEquals(1, h.requests("forwarded"));
        assertEquals(1, h.pooled.size(), "a clean exchange gives its connection back");
        assertTrue(h.client.config().isAutoRead(), "the steady path never stops reading");
        forwardGet("/again");
        assertEquals(1, h.upstreams.size(), "the next request reuses it");
    }

    @Test
    void blockedRequestIsAnsweredWithoutAnUpstream() {
        h.client.writeInbound(ExchangeHarness.get("/", "unfiled.example.org"), LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpResponse r = decoded(h.client.readOutbound()); // HTTP/1 block answers leave as bytes
        assertEquals(451, r.status().code());
        assertEquals("unfiled", r.headers().get("X-Beian-Reason"));
        r.release();
        assertTrue(h.upstreams.isEmpty());
        assertEquals(1, h.requests("unfiled"));
        assertTrue(h.client.isOpen(), "keep-alive");
    }

    @Test
    void aStalePooledConnectionIsRetriedOnceOnAFreshOne() {
        forwardGet("/first");
        h.lastUpstream().writeInbound(ok(1), last("1"));
        clientText();
        h.client.writeInbound(ExchangeHarness.get("/second", "www.example.cn"), LastHttpContent.EMPTY_LAST_CONTENT);
        EmbeddedChannel stale = h.lastUpstream();
        ReferenceCountUtil.release(stale.readOutbound());
        ReferenceCountUtil.release(stale.readOutbound());
        stale.close(); // the upstream's keep-alive ran out just as the request went
        assertEquals(2, h.upstreams.size(), "sent again on a new connection");
        HttpRequest again = h.lastUpstream().readOutbound();
        assertEquals("/second", again.uri());
        ReferenceCountUtil.release(h.lastUpstream().readOutbound());
        h.lastUpstream().writeInbound(ok(1), last("2"));
        HttpResponse r = h.client.readOutbound();
        assertEquals(200, r.status().code());
        assertEquals("2", clientText());
        assertEquals(0, h.upstreamErrors("reset"), "a retried stale connection is no upstream error");
    }

    @Test
    void interimAnswersAreNotPassedOnAndTrailersAreDropped() {
        forwardGet("/x");
        HttpResponse early = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(103));
        HttpResponse chunked = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        chunked.headers().set("Transfer-Encoding", "chunked");
        LastHttpContent end = new DefaultLastHttpContent(Unpooled.copiedBuffer("z", StandardCharsets.UTF_8));
        end.trailingHeaders().set("X-Trailer", "t");
        h.lastUpstream().writeInbound(early, LastHttpContent.EMPTY_LAST_CONTENT, chunked,
                new DefaultHttpContent(Unpooled.copiedBuffer("y", StandardCharsets.UTF_8)), end);
        HttpResponse r = h.client.readOutbound();
        assertEquals(200, r.status().code(), "the 103 stayed behind");
        assertEquals("chunked", r.headers().get("Transfer-Encoding"));
        StringBuilder body = new StringBuilder();
        HttpContent piece;
        do {
            piece = h.client.readOutbound();
            body.append(piece.content().toString(StandardCharsets.UTF_8));
            piece.release();
        } while (!(piece instanceof LastHttpContent));
        assertEquals("yz", body.toString());
        assertTrue(((LastHttpContent) piece).trailingHeaders().isEmpty(), "trailers are not passed on");
    }

    @Test
    void noAnswerWithinTheResponseTimeoutIs504() {
        forwardGet("/slow");
        h.advance(2900);
        assertNull(h.client.readOutbound());
        h.advance(200);
        FullHttpResponse r = h.client.readOutbound();
        assertEquals(504, r.status().code());
        r.release();
        assertEquals(1, h.requests("upstream_timeout"));
        assertFalse(h.lastUpstream().isOpen(), "never pooled");
    }

    @Test
    void aBodyThatStopsArrivingIs408AfterTheIdleTimeout() {
        HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
        post.headers().set("Host", "example.cn").set("Content-Length", 100_000);
        h.client.writeInbound(post, new DefaultHttpContent(Unpooled.copiedBuffer(new byte[20_000])));
        assertEquals(1, h.upstreams.size(), "over request-buffer: streamed at once");
        h.advance(9_900);
        assertNull(h.client.readOutbound(), "not before timeouts.idle");
        h.advance(2_700); // the idle watch tells within 1.25 timeouts
        FullHttpResponse r = h.client.readOutbound();
        assertEquals(408, r.status().code());
        r.release();
        assertFalse(h.client.isOpen());
        assertFalse(h.lastUpstream().isOpen(), "half a request is never left on a connection");
        assertEquals(1, h.requests("bad_request"));
    }

    @Test
    void aTricklingBodyIs408UnderTheMinimumRateAndTakesNoConnection() {
        HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
        post.headers().set("Host", "example.cn").set("Content-Length", 10_000);
        h.client.writeInbound(post);
        for (int second = 0; second < 7 && h.client.isOpen(); second++) {
            h.client.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer(new byte[10])));
            h.advance(1000);
        }
        FullHttpResponse r = h.client.readOutbound();
        assertEquals(408, r.status().code(), "5 s of grace, then 1 KiB/s");
        r.release();
        assertTrue(h.upstreams.isEmpty(), "a body within request-buffer is read whole before a connection");
    }

    @Test
    void aHeadThatTakesTooLongIs408() {
        h.client.writeInbound(Unpooled.copiedBuffer("GET", StandardCharsets.US_ASCII)); // raw bytes: no codec here
        h.advance(5100);
        FullHttpResponse r = h.client.readOutbound();
        assertEquals(408, r.status().code());
        r.release();
        assertEquals(1, h.requests("bad_request"));
    }

    @Test
    void anUpstreamSilentMidAnswerIsCutOff() {
        forwardGet("/stall");
        HttpResponse head = ok(100);
        h.lastUpstream().writeInbound(head, new DefaultHttpContent(Unpooled.copiedBuffer("part", StandardCharsets.UTF_8)));
        assertEquals(200, ((HttpResponse) h.client.readOutbound()).status().code());
        clientText();
        h.advance(9_900);
        assertTrue(h.client.isOpen(), "not before timeouts.idle");
        h.advance(2_700); // the idle watch tells within 1.25 timeouts
        assertFalse(h.client.isOpen(), "the client sees the connection end, never a short success");
        assertEquals(1, h.requests("upstream_timeout"));
    }

    @Test
    void aClientThatGoesAwayIsCountedOnceAndItsUpstreamClosed() {
        forwardGet("/gone");
        h.client.close();
        assertEquals(1, h.requests("client_abort"));
        assertFalse(h.lastUpstream().isOpen());
        assertTrue(h.pooled.isEmpty());
    }

    @Test
    void anUpstreamResetBeforeTheAnswerIs502AndAfterItACloseWithoutSuccess() {
        forwardGet("/reset");
        h.lastUpstream().close();
        FullHttpResponse r = h.client.readOutbound();
        assertEquals(502, r.status().code());
        r.release();
        assertEquals(1, h.upstreamErrors("reset"));
        assertTrue(h.client.isOpen(), "a bodiless request keeps its connection after a 502");

        forwardGet("/reset-later");
        h.lastUpstream().writeInbound(ok(100), new DefaultHttpContent(Unpooled.copiedBuffer("part", StandardCharsets.UTF_8)));
        h.lastUpstream().close();
        assertFalse(h.client.isOpen());
        assertEquals(2, h.requests("upstream_error"));
    }

    @Test
    void aRefusedConnectionIs502() {
        h.refuseNext = true;
        h.client.writeInbound(ExchangeHarness.get("/", "example.cn"), LastHttpContent.EMPTY_LAST_CONTENT);
        FullHttpResponse r = h.client.readOutbound();
        assertEquals(502, r.status().code());
        r.release();
        assertEquals(1, h.upstreamErrors("connect"));
    }

    @Test
    void aBodyArrivingWhileTheConnectionIsMadeIsHeldThenSent() {
        h.deferNext = true;
        HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/big");
        post.headers().set("Host", "example.cn").set("Content-Length", 200_000);
        h.client.writeInbound(post);
        for (int i = 0; i < 5; i++) {
            h.client.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer(new byte[20_000])));
        }
        assertFalse(h.client.config().isAutoRead(), "over the high water mark while connecting: the client is held");
        h.completeConnect();
        assertTrue(h.client.config().isAutoRead(), "and read again once the connection takes it");
        HttpRequest head = h.lastUpstream().readOutbound();
        assertEquals("200000", head.headers().get("Content-Length"));
        long bytes = 0;
        Object o;
        while ((o = h.lastUpstream().readOutbound()) != null) {
            bytes += ((HttpContent) o).content().readableBytes();
            ReferenceCountUtil.release(o);
        }
        assertEquals(100_000, bytes);
    }

    @Test
    void aWebSocketUpgradeBecomesATunnel() {
        HttpRequest ws = ExchangeHarness.get("/ws", "example.cn");
        ws.headers().set("Upgrade", "websocket").set("Connection", "Upgrade").set("Sec-WebSocket-Key", "k");
        h.client.writeInbound(ws, LastHttpContent.EMPTY_LAST_CONTENT);
        HttpRequest head = h.lastUpstream().readOutbound();
        assertEquals("websocket", head.headers().get("Upgrade"));
        ReferenceCountUtil.release(h.lastUpstream().readOutbound());
        HttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set("Upgrade", "websocket").set("Connection", "Upgrade");
        h.lastUpstream().writeInbound(switching, LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals(101, ((HttpResponse) h.client.readOutbound()).status().code());
        h.client.writeInbound(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
        ByteBuf up = h.lastUpstream().readOutbound();
        assertEquals("ping", up.toString(StandardCharsets.UTF_8));
        up.release();
        h.lastUpstream().writeInbound(Unpooled.copiedBuffer("pong", StandardCharsets.UTF_8));
        ByteBuf down = h.client.readOutbound();
        assertEquals("pong", down.toString(StandardCharsets.UTF_8));
        down.release();
        assertEquals(1, h.requests("forwarded"));
        h.advance(9_900);
        assertTrue(h.client.isOpen(), "not before timeouts.idle");
        h.advance(2_700); // the idle watch tells within 1.25 timeouts
        assertFalse(h.client.isOpen(), "a tunnel without traffic for timeouts.idle is closed");
        assertFalse(h.lastUpstream().isOpen());
    }

    @Test
    void anUpgradeTheClientDidNotAskForIs502() {
        forwardGet("/h2c");
        HttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set("Upgrade", "h2c");
        h.lastUpstream().writeInbound(switching);
        Object r = h.client.readOutbound();
        assertInstanceOf(FullHttpResponse.class, r);
        assertEquals(502, ((FullHttpResponse) r).status().code());
        ReferenceCountUtil.release(r);
    }

    /** An {@link EncodedAnswer} read back through an HTTP/1.1 response decoder. */
    private static FullHttpResponse decoded(Object answer) {
        EncodedAnswer encoded = (EncodedAnswer) answer;
        io.netty.channel.embedded.EmbeddedChannel decoder = new io.netty.channel.embedded.EmbeddedChannel(
                new io.netty.handler.codec.http.HttpResponseDecoder(),
                new io.netty.handler.codec.http.HttpObjectAggregator(1 << 20));
        decoder.writeInbound(encoded.content());
        FullHttpResponse response = decoder.readInbound();
        decoder.finishAndReleaseAll();
        return response;
    }
}
