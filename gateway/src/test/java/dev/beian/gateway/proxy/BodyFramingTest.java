package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The body after a head the gateway wrote, as the upstream side's encoder frames it on the wire. */
class BodyFramingTest {
    private static EmbeddedChannel upstreamSide() {
        UpstreamCodec codec = new UpstreamCodec();
        return new EmbeddedChannel(codec.encoder(), codec.decoder());
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String sent(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void chunkedBodiesAreFramedAndEndWithTheLastChunkWithoutTrailers() {
        EmbeddedChannel ch = upstreamSide();
        ch.writeOutbound(new EncodedHead(text("POST / HTTP/1.1\r\n\r\n"), HttpMethod.POST, true));
        ChannelFuture empty = ch.writeAndFlush(new DefaultHttpContent(Unpooled.EMPTY_BUFFER));
        assertTrue(empty.isSuccess(), "an empty piece still completes its write");
        ch.writeOutbound(new DefaultHttpContent(text("hello")));
        ch.writeOutbound(new DefaultHttpContent(text("x".repeat(300))));
        LastHttpContent last = new DefaultLastHttpContent(text("!"));
        last.trailingHeaders().add("X-Trailer", "dropped");
        ChannelFuture end = ch.writeAndFlush(last);
        assertTrue(end.isSuccess());
        assertEquals("POST / HTTP/1.1\r\n\r\n5\r\nhello\r\n12c\r\n" + "x".repeat(300) + "\r\n1\r\n!\r\n0\r\n\r\n", sent(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aBodyOfKnownLengthGoesAsItIsAndTheNextHeadFollows() {
        EmbeddedChannel ch = upstreamSide();
        ch.writeOutbound(new EncodedHead(text("PUT / HTTP/1.1\r\nContent-Length: 3\r\n\r\n"), HttpMethod.PUT, false));
        ch.writeOutbound(new DefaultHttpContent(text("ab")), new DefaultLastHttpContent(text("c")));
        ch.writeOutbound(new EncodedHead(text("GET / HTTP/1.1\r\n\r\n"), HttpMethod.GET, false));
        ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals("PUT / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n", sent(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    /** The client side, with one GET read, so that an answer's head has a request to answer. */
    private static EmbeddedChannel clientSide() {
        GatewayServerCodec codec = new GatewayServerCodec(8192, 8192);
        EmbeddedChannel ch = new EmbeddedChannel(codec.encoder(), codec.decoder());
        ch.writeInbound(text("GET / HTTP/1.1\r\nHost: a.cn\r\n\r\n"));
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
        return ch;
    }

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";

    /** Bytes written to the channel and not yet flushed: a held head is not among them. */
    private static long unflushed(EmbeddedChannel ch) {
        return ch.unsafe().outboundBuffer().totalPendingWriteBytes();
    }

    @Test
    void anAnswersHeadAndAShortBodyGoOutAsOneBuffer() {
        EmbeddedChannel ch = clientSide();
        ch.write(new EncodedHead(text(HEAD), null, false), ch.voidPromise());
        assertEquals(0, unflushed(ch), "held for the body");
        ChannelFuture end = ch.writeAndFlush(new DefaultLastHttpContent(text("hello")));
        assertTrue(end.isSuccess(), "the body's promise is the joined write's");
        assertEquals(1, ch.outboundMessages().size(), "one buffer, one write");
        assertEquals(HEAD + "hello", sent(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aHeldHeadGoesFirstOnAFlushALargePieceOrAnotherMessage() {
        EmbeddedChannel ch = clientSide();
        ch.write(new EncodedHead(text(HEAD), null, false), ch.voidPromise());
        ch.flush();
        assertEquals(HEAD, sent(ch), "a flush lets the head go alone");
        ch.writeAndFlush(new DefaultLastHttpContent(text("hello")));
        assertEquals("hello", sent(ch));

        ch = clientSide();
        String large = "y".repeat(BodyFraming.JOIN_LIMIT + 1);
        ch.write(new EncodedHead(text("HTTP/1.1 200 OK\r\nContent-Length: " + large.length() + "\r\n\r\n"), null,
                false), ch.voidPromise());
        ch.writeAndFlush(new DefaultLastHttpContent(text(large)));
        assertEquals(2, ch.outboundMessages().size(), "a large piece is not copied");
        assertTrue(sent(ch).endsWith("\r\n\r\n" + large), "in order");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void onlyAHeadNobodyWaitsOnBeforeABodyAsItIsIsHeld() {
        EmbeddedChannel ch = clientSide();
        ChannelFuture head = ch.write(new EncodedHead(text(HEAD), null, false));
        assertTrue(unflushed(ch) > 0, "a head with a promise someone may wait on goes at once");
        ch.writeAndFlush(new DefaultLastHttpContent(text("hello")));
        assertTrue(head.isSuccess(), "its own write completed it");
        assertEquals(2, ch.outboundMessages().size());
        assertEquals(HEAD + "hello", sent(ch));
        assertFalse(ch.finishAndReleaseAll());

        ch = clientSide();
        ch.write(new EncodedHead(text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), null, true),
                ch.voidPromise());
        assertTrue(unflushed(ch) > 0, "a chunked body's head is not held");
        ch.writeAndFlush(new DefaultLastHttpContent(text("hi")));
        assertEquals("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", sent(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aHeldHeadIsReleasedWhenTheConnectionCloses() {
        EmbeddedChannel ch = clientSide();
        ByteBuf bytes = text(HEAD);
        ch.write(new EncodedHead(bytes, null, false), ch.voidPromise());
        ch.close();
        assertEquals(0, bytes.refCnt(), "released, not leaked");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aBodyWithoutAHeadTheGatewayWroteIsRefused() {
        EmbeddedChannel ch = upstreamSide();
        ByteBuf body = text("stray");
        ChannelFuture write = ch.writeAndFlush(new DefaultHttpContent(body));
        assertFalse(write.isSuccess());
        assertEquals(0, body.refCnt(), "released, not leaked");
        assertFalse(ch.finishAndReleaseAll());
    }
}
