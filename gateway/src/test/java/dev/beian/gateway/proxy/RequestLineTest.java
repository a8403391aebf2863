package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestLineTest {
    static String problem(String line) {
        ByteBuf buf = Unpooled.copiedBuffer(line, StandardCharsets.ISO_8859_1);
        try {
            return RequestLine.problem(buf, buf.readerIndex(), buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1", "POST /a?b=c HTTP/1.0", "OPTIONS * HTTP/1.1",
        "GET http://example.cn/x HTTP/1.1", "M-SEARCH /x HTTP/1.1", "!#$%&'*+-.^_`|~09azAZ / HTTP/1.1",
        "GET /caf\u00e9/\u0080\u00ff HTTP/1.1", "GET /%00 HTTP/1.1", "GET /a\"b<c>{} HTTP/2.0"})
    void strictLinesPass(String line) {
        assertNull(problem(line), line);
    }

    static Stream<String> badLines() {
        Stream<String> fixed = Stream.of("", "GET", "GET /", "GET / ", "GET  / HTTP/1.1", "GET /  HTTP/1.1",
                "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET\t/ HTTP/1.1", "GET /\tHTTP/1.1", "GET / b HTTP/1.1",
                "GET / http/1.1", "GET / HTTP/1", "GET / HTTP/1.1.1", "GET / HTTP/a.1", "GET / HTTP/1.a",
                "GET / HTTPS/1.1", "G(T / HTTP/1.1", "GET: / HTTP/1.1", "G\u00e9T / HTTP/1.1", "/ HTTP/1.1",
                "GET / HTTP/1.1\r", "GET\u000b/ HTTP/1.1");
        Stream<String> controls = IntStream.concat(IntStream.rangeClosed(0, 0x1F), IntStream.of(0x7F))
                .mapToObj(b -> "GET /a" + (char) b + "b HTTP/1.1");
        return Stream.concat(fixed, controls);
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void everythingElseIsRefusedWithAReason(String line) {
        assertNotNull(problem(line), line);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x01, 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x1F, 0x7F})
    void theReasonNamesTheControlByte(int b) {
        assertEquals("control byte 0x" + Integer.toHexString(b) + " in the request target",
                problem("GET /" + (char) b + " HTTP/1.1"));
    }
}
