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
