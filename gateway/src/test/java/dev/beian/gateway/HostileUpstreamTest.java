package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.LogLines;
import dev.beian.gateway.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a broken or hostile app answers, over real sockets: an upstream that writes whatever bytes a test gives
 * it. Nothing it sends that could be read two ways, or that carries a foreign byte, reaches a client.
 */
class HostileUpstreamTest {
    private static final AtomicReference<String> answer = new AtomicReference<>();
    private static final AtomicInteger connections = new AtomicInteger();
    private static ServerSocket upstream;
    private static GatewayFixture gateway;

    /** Answers every request head it reads with the current {@link #answer}, and keeps the connection. */
    @BeforeAll
    static void start() throws Exception {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!upstream.isClosed()) {
                try {
                    Socket s = upstream.accept();
                    connections.incrementAndGet();
                    Thread serve = new Thread(() -> serve(s));
                    serve.setDaemon(true);
                    serve.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        gateway = new GatewayFixture(Map.of("default", "127.0.0.1:" + upstream.getLocalPort(), "refused",
                "127.0.0.1:" + GatewayFixture.closedPort()), "timeouts:\n  response: 3s\n", GatewayFixture.REGISTRY);
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            while (readHead(in)) {
                s.getOutputStream().write(answer.get().getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
        } catch (IOException gone) {
            // the gateway closed it
        }
    }

    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        for (int c; (c = in.read()) >= 0; ) {
            matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
            if (matched == 4) {
                return true;
            }
        }
        return false;
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    static Stream<Arguments> malformed() {
        String ok = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
            Arguments.of("a bare CR that would start a field of its own", ok + "X-A: a\rSet-Cookie: stolen=1\r\nContent-Length: 2\r\n\r\nhi"),
            Arguments.of("a NUL in a value", ok + "X-A: a\0Set-Cookie: stolen=1\r\nContent-Length: 2\r\n\r\nhi"),
            Arguments.of("obs-fold", ok + "X-A: a\r\n Set-Cookie: stolen=1\r\nContent-Length: 2\r\n\r\nhi"),
            Arguments.of("whitespace before the colon", ok + "Set-Cookie : stolen=1\r\nContent-Length: 2\r\n\r\nhi"),
            Arguments.of("Content-Length and Transfer-Encoding", ok + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            Arguments.of("two different lengths", ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nhi!"),
            Arguments.of("a coding other than chunked", ok + "Transfer-Encoding: gzip\r\n\r\nhi"),
            Arguments.of("a status line that is not one", "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nhi"),
            Arguments.of("a head over 64 KiB", ok + "X-Big: " + "a".repeat(70_000) + "\r\nContent-Length: 2\r\n\r\nhi"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedAnswerIs502AndNothingOfItReachesTheClient(String why, String sent) throws Exception {
        answer.set(sent);
        try (RawHttp client = new RawHttp(gateway.port())) {
            RawHttp.Response r = client.send("GET /x HTTP/1.1\r\nHost: example.cn\r\n\r\n").read();
            assertEquals(502, r.status(), why);
            assertEquals("upstream_error", r.header("x-beian-reason"));
            assertNull(r.header("set-cookie"));
            answer.set("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine");
            RawHttp.Response next = client.send("GET /y HTTP/1.1\r\nHost: example.cn\r\n\r\n").read();
            assertEquals("fine", next.text(), "the client's connection goes on; the upstream's did not");
        }
    }

    @Test
    void theOperatorIsToldWhatTheAppSentWrongAtMostOnceASecond() throws Exception {
        try (LogLines lines = new LogLines("dev.beian.gateway.proxy.MalformedAnswers")) {
            Thread.sleep(1100); // past any line an earlier test caused
            answer.set("HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nhi");
            for (int i = 0; i < 3; i++) {
                try (RawHttp client = new RawHttp(gateway.port())) {
                    assertEquals(502, client.send("GET /l HTTP/1.1\r\nHost: example.cn\r\n\r\n").read().status());
                }
            }
            assertEquals(1, lines.messages().size(), "three in a second: one line");
            String line = lines.messages().get(0);
            assertTrue(line.contains("127.0.0.1:" + upstream.getLocalPort()) && line.contains("(field value)"), line);
            Thread.sleep(1100);
            try (RawHttp client = new RawHttp(gateway.port())) {
                assertEquals(502, client.send("GET /l HTTP/1.1\r\nHost: example.cn\r\n\r\n").read().status());
            }
            assertEquals(2, lines.messages().size());
            // two or more: a stale pooled connection's answer counts too, when the request is sent again
            String second = lines.messages().get(1);
            assertTrue(second.matches(".*\\([2-9] more since the last such line\\)"), second);
        }
    }

    @Test
    void bytesAfterAnAnswerNeverBecomeTheNextClientsAnswer() throws Exception {
        answer.set("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");
        try (RawHttp client = new RawHttp(gateway.port())) {
            assertEquals("ok", client.send("GET /a HTTP/1.1\r\nHost: example.cn\r\n\r\n").read().text());
        }
        Thread.sleep(200); // the pooled connection's extra answer arrives and closes it
        answer.set("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
        int before = connections.get();
        try (RawHttp other = new RawHttp(gateway.port())) {
            assertEquals("second", other.send("GET /b HTTP/1.1\r\nHost: example.cn\r\n\r\n").read().text());
        }
        assertEquals(before + 1, connections.get(), "a connection that sent more than was asked is not reused");
    }

    @Test
    void aFaultInTheBodyCutsTheClientOffWithoutAnEnd() throws Exception {
        answer.set("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\nzz\r\n0\r\n\r\n");
        try (RawHttp client = new RawHttp(gateway.port())) {
            client.send("GET /c HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            client.input().transferTo(got); // until the gateway closes
            String text = got.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
            assertTrue(text.contains("2\r\nhi\r\n"), text);
            assertFalse(text.endsWith("0\r\n\r\n"), "a client never takes a cut-short answer for a whole one: " + text);
        }
    }
}
