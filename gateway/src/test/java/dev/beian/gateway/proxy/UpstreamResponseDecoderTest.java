package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UpstreamResponseDecoderTest {
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
    private final EmbeddedChannel ch = new EmbeddedChannel(new UpstreamResponseDecoder(methods));

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** What the decoder gave so far: a head as its status, a body as its text, {@code |} after each last piece. */
    private String read() {
        return read(ch);
    }

    private static String read(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object o; (o = ch.readInbound()) != null; ) {
            if (o instanceof UpstreamResponse r) {
                sb.append(r.status()).append(' ');
            } else if (o instanceof HttpContent c) {
                sb.append(c.content().toString(StandardCharsets.ISO_8859_1));
                if (c instanceof LastHttpContent) {
                    sb.append('|');
                }
            } else if (o instanceof ByteBuf b) {
                sb.append("raw:").append(b.toString(StandardCharsets.ISO_8859_1));
            }
            ReferenceCountUtil.release(o);
        }
        return sb.toString();
    }

    private String decode(String... parts) {
        for (String p : parts) {
            ch.writeInbound(bytes(p));
        }
        return read();
    }

    static final String PIPELINE = "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=\"v\"\r\nhello\r\n1\nx\n0\r\nX-Trailer: t\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
            + "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"  // the answer to HEAD: no body
            + "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
            + "HTTP/1.0 200 OK\r\n\r\nuntil the close";

    /** The requests {@link #PIPELINE} answers: the sixth answer is to a HEAD. */
    static final List<HttpMethod> PIPELINE_METHODS = List.of(HttpMethod.GET, HttpMethod.GET, HttpMethod.GET,
            HttpMethod.GET, HttpMethod.HEAD, HttpMethod.GET, HttpMethod.GET);

    @Test
    void answersOneAfterTheOtherInEveryFraming() {
        methods.addAll(PIPELINE_METHODS);
        String expected = "103 |200 hellox|200 abc|204 |304 |200 |200 |200 until the close";
        assertEquals(expected, decode(PIPELINE));
        ch.finish();
        assertEquals("|", read(), "the close ends a body delimited by it");
    }

    /** Split in two at every byte: the same answers, the same bodies (pieces joined). */
    @Test
    void theSameAnswersWhereverTheBytesAreSplit() {
        for (int cut = 1; cut < PIPELINE.length(); cut++) {
            EmbeddedChannel split = new EmbeddedChannel(new UpstreamResponseDecoder(new ArrayDeque<>(PIPELINE_METHODS)));
            split.writeInbound(bytes(PIPELINE.substring(0, cut)));
            split.writeInbound(bytes(PIPELINE.substring(cut)));
            split.finish();
            assertEquals("103 |200 hellox|200 abc|204 |304 |200 |200 |200 until the close|", read(split),
                    "cut at " + cut);
        }
    }

    @Test
    void aBodyIsPassedOnAsItArrives() {
        methods.add(HttpMethod.GET);
        assertEquals("200 hel", decode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"));
        assertEquals("lo|", decode("lo"));
    }

    @Test
    void bytesAfterA101GoOnAsBytes() {
        assertEquals("101 raw:frame", decode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframe"));
        assertEquals("raw:more", decode("more"));
    }

    @Test
    void bytesAfterA101GoOnAsBytesWhenTheTunnelRemovesTheDecoderAtTheHead() {
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                ctx.fireChannelRead(msg);
                if (msg instanceof UpstreamResponse) { // as Tunnel.open does, once the 101 went to the client
                    ctx.pipeline().remove(UpstreamResponseDecoder.class);
                }
            }
        });
        assertEquals("101 raw:frame", decode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframe"));
        assertEquals("raw:more", decode("more"));
    }

    @Test
    void aBodyCutShortByTheCloseHasNoEnd() {
        methods.add(HttpMethod.GET);
        assertEquals("200 ab", decode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"));
        ch.finish();
        assertEquals("", read(), "no last piece: the relay sees the close and cuts the client off");
    }

    static Stream<Arguments> faults() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
            Arguments.of("a malformed head", "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n"),
            Arguments.of("a chunk size that is not hex", chunked + "zz\r\n"),
            Arguments.of("an empty chunk size", chunked + "\r\n"),
            Arguments.of("a chunk size over 15 digits", chunked + "1000000000000000\r\n"),
            Arguments.of("a chunk size with a space inside", chunked + "1 0\r\n"),
            Arguments.of("a chunk extension with a bare CR", chunked + "1;a\rb\r\nx\r\n"),
            Arguments.of("chunk data longer than its size", chunked + "1\r\nxy\r\n0\r\n\r\n"),
            Arguments.of("a trailer with a control byte", chunked + "0\r\nX: \u0001\r\n\r\n"),
            Arguments.of("a head over 64 KiB", "HTTP/1.1 200 OK\r\nX: " + "a".repeat(64 * 1024) + "\r\n"),
            Arguments.of("a chunk size line over 8 KiB", chunked + "1;" + "e".repeat(8192)),
            Arguments.of("trailers over 64 KiB", chunked + "0\r\n" + "X: aaaaaaaa\r\n".repeat(6000)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aFaultFailsTheConnectionAndNothingAfterItIsRead(String why, String sent) {
        methods.add(HttpMethod.GET);
        assertThrows(DecoderException.class, () -> ch.writeInbound(bytes(sent)));
        read(); // a head before the fault, if any
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        assertEquals("", read(), "a connection that sent a fault is never read again");
        assertFalse(ch.finish());
    }

    @Test
    void aHeadIsReadWhenItsLastByteArrivesEvenByteByByte() {
        methods.add(HttpMethod.GET);
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n";
        List<String> seen = new ArrayList<>();
        for (char c : head.toCharArray()) {
            seen.add(decode(String.valueOf(c)));
        }
        assertEquals("200 ", seen.get(seen.size() - 1));
        assertEquals(List.of(""), seen.subList(0, seen.size() - 1).stream().distinct().toList());
        assertEquals("x|", decode("x"));
    }
}
