package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseHeadParserTest {
    static UpstreamResponse parse(String head) throws ResponseHeadParser.Malformed {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return ResponseHeadParser.parse(bytes, bytes.length);
    }

    /** status, length, chunked, keep-alive, then each field as the client's head would carry it. */
    static String summary(UpstreamResponse r) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < r.fieldCount(); i++) {
            HeadBytes out = HeadBytes.start();
            r.writeField(i, out);
            var buf = out.toBuffer(UnpooledByteBufAllocator.DEFAULT);
            fields.add(buf.toString(StandardCharsets.ISO_8859_1).strip());
            buf.release();
        }
        HeadBytes status = HeadBytes.start();
        r.writeStatus(status);
        var buf = status.toBuffer(UnpooledByteBufAllocator.DEFAULT);
        String line = buf.toString(StandardCharsets.ISO_8859_1);
        buf.release();
        return line + "|" + r.contentLength() + "|" + (r.chunked() ? "chunked" : "-") + "|"
                + (r.keepAlive() ? "keep" : "close") + "|" + String.join("|", fields);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
            Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "200 OK|5|-|keep|Content-Length: 5"),
            Arguments.of("HTTP/1.1 200 OK\nServer: a\n\n", "200 OK|-1|-|keep|Server: a"),
            Arguments.of("HTTP/1.1 204\r\n\r\n", "204 |-1|-|keep|"),
            Arguments.of("HTTP/1.1 200 \r\n\r\n", "200 |-1|-|keep|"),
            Arguments.of("HTTP/1.1 299 Fine \t Indeed\r\n\r\n", "299 Fine \t Indeed|-1|-|keep|"),
            Arguments.of("HTTP/1.2 200 OK\r\n\r\n", "200 OK|-1|-|keep|"),
            Arguments.of("HTTP/1.0 200 OK\r\n\r\n", "200 OK|-1|-|close|"),
            Arguments.of("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n", "200 OK|-1|-|keep|Connection: Keep-Alive"),
            Arguments.of("HTTP/1.1 200 OK\r\nConnection: x-a, CLOSE\r\n\r\n", "200 OK|-1|-|close|Connection: x-a, CLOSE"),
            Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\ncontent-length: 5\r\n\r\n",
                "200 OK|5|-|keep|Content-Length: 5, 5|content-length: 5"),
            Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 0012\r\n\r\n", "200 OK|12|-|keep|Content-Length: 0012"),
            Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n",
                "200 OK|-1|chunked|keep|Transfer-Encoding: Chunked"),
            Arguments.of("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Trim: \t a  b \t\r\n\r\n", "200 OK|-1|-|keep|X-Empty:|X-Trim: a  b"),
            Arguments.of("HTTP/1.1 200 OK\r\nX-Latin: caf\u00e9 \u00ff\r\n\r\n", "200 OK|-1|-|keep|X-Latin: caf\u00e9 \u00ff"),
            Arguments.of("HTTP/1.1 200 OK\r\nX:Y: z\r\n\r\n", "200 OK|-1|-|keep|X: Y: z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void aWellFormedHeadIsReadAsSent(String head, String expected) throws Exception {
        assertEquals(expected, summary(parse(head)));
    }

    static Stream<Arguments> refused() {
        String ok = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
            Arguments.of("HTTP/2 200 OK\r\n\r\n"), Arguments.of("HTTP/2.0 200 OK\r\n\r\n"),
            Arguments.of("HTTP/1.1 20 OK\r\n\r\n"), Arguments.of("HTTP/1.1 2000 OK\r\n\r\n"),
            Arguments.of("HTTP/1.1 099 Low\r\n\r\n"), Arguments.of("HTTP/1.1 600 High\r\n\r\n"),
            Arguments.of("http/1.1 200 OK\r\n\r\n"), Arguments.of("HTTX/1.1 200 OK\r\n\r\n"),
            Arguments.of("HTTP/1.1  200 OK\r\n\r\n"), Arguments.of("HTTP/1.1 200OK\r\n\r\n"),
            Arguments.of("HTTP/1.1 2x0 OK\r\n\r\n"), Arguments.of("HTTP/1.x 200 OK\r\n\r\n"),
            Arguments.of("HTTP/1.1 200 O\rK\r\n\r\n"), Arguments.of("HTTP/1.1 200 O\0K\r\n\r\n"),
            Arguments.of(ok + "Content-Length : 5\r\n\r\n"), Arguments.of(ok + "X: a\r\n folded\r\n\r\n"),
            Arguments.of(ok + "X: a\r\n\tfolded\r\n\r\n"), Arguments.of(ok + "Junk\r\n\r\n"),
            Arguments.of(ok + ": v\r\n\r\n"), Arguments.of(ok + "X: a\rb\r\n\r\n"), Arguments.of(ok + "X: a\0b\r\n\r\n"),
            Arguments.of(ok + "X: a\u007fb\r\n\r\n"), Arguments.of(ok + "X@Y: 1\r\n\r\n"),
            Arguments.of(ok + "Content-Length: 5a\r\n\r\n"), Arguments.of(ok + "Content-Length: -1\r\n\r\n"),
            Arguments.of(ok + "Content-Length:\r\n\r\n"), Arguments.of(ok + "Content-Length: +5\r\n\r\n"),
            Arguments.of(ok + "Content-Length: 0x10\r\n\r\n"), Arguments.of(ok + "Content-Length: 1234567890123456789\r\n\r\n"),
            Arguments.of(ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"), Arguments.of(ok + "Content-Length: 5, 6\r\n\r\n"),
            Arguments.of(ok + "Content-Length: 5,\r\n\r\n"), Arguments.of(ok + "Content-Length: 1 2\r\n\r\n"),
            Arguments.of(ok + "Transfer-Encoding: gzip\r\n\r\n"), Arguments.of(ok + "Transfer-Encoding: gzip, chunked\r\n\r\n"),
            Arguments.of(ok + "Transfer-Encoding: chunked, chunked\r\n\r\n"),
            Arguments.of(ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Arguments.of(ok + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
            Arguments.of(ok + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Arguments.of("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aHeadThatCouldBeReadTwoWaysOrCarriesAForeignByteIsRefused(String head) {
        assertThrows(ResponseHeadParser.Malformed.class, () -> parse(head));
    }

    /** Every byte inside a value: only VCHAR, obs-text, SP and HTAB are a value's (RFC 9110 §5.5). */
    @Test
    void everyByteInAValue() throws Exception {
        for (int b = 0; b < 256; b++) {
            String head = "HTTP/1.1 200 OK\r\nX: a" + (char) b + "b\r\n\r\n";
            boolean allowed = b == '\t' || b == ' ' || (b >= 0x21 && b != 0x7f);
            if (allowed) {
                assertEquals("200 OK|-1|-|keep|X: a" + (char) b + "b", summary(parse(head)), "byte " + b);
            } else {
                assertThrows(ResponseHeadParser.Malformed.class, () -> parse(head), "byte " + b);
            }
        }
    }

    /** Every byte inside a name: only token characters (RFC 9110 §5.6.2); a colon ends the name. */
    @Test
    void everyByteInAName() throws Exception {
        String separators = "\"(),/;<=>?@[\\]{}";
        for (int b = 0; b < 256; b++) {
            String head = "HTTP/1.1 200 OK\r\nX" + (char) b + "Y: 1\r\n\r\n";
            boolean token = b > 0x20 && b < 0x7f && separators.indexOf(b) < 0;
            if (b == ':') {
                assertEquals("200 OK|-1|-|keep|X: Y: 1", summary(parse(head)));
            } else if (token) {
                assertEquals("200 OK|-1|-|keep|X" + (char) b + "Y: 1", summary(parse(head)), "byte " + b);
            } else {
                assertThrows(ResponseHeadParser.Malformed.class, () -> parse(head), "byte " + b);
            }
        }
    }

    @Test
    void theConnectionTokensAreTheFieldsItNames() throws Exception {
        UpstreamResponse r = parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-A ,,\tclose\r\nConnection: X-B\r\n\r\n");
        assertEquals(List.of("X-A", "close", "X-B"), r.connectionTokens());
        assertEquals(false, r.keepAlive());
        UpstreamResponse old = parse("HTTP/1.0 200 OK\r\nConnection:  Keep-Alive \r\n\r\n");
        assertEquals(List.of(), old.connectionTokens(), "keep-alive names only a field that never crosses");
        assertEquals(true, old.keepAlive());
        assertEquals(false, parse("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n\r\n").keepAlive());
        assertEquals(true, parse("HTTP/1.1 200 OK\r\nConnection: closed, x-close\r\n\r\n").keepAlive());
    }

    @Test
    void theViaLinesAreJoinedInOrderBeforeTheGateway() throws Exception {
        UpstreamResponse r = parse("HTTP/1.1 200 OK\r\nVia: 1.1 cdn\r\nX: 1\r\nvia:  \r\nVIA: 1.0 app \r\n\r\n");
        assertEquals("1.1 cdn, 1.0 app, 1.1 beian-gateway", r.joined(io.netty.handler.codec.http.HttpHeaderNames.VIA,
                UpstreamRequestHead.VIA));
        assertEquals(List.of(), r.connectionTokens());
        assertEquals("1.1 cdn", r.toHttpResponse().headers().get("Via"));
    }
}
