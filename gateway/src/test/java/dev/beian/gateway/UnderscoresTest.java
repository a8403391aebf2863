package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code limits.underscores-in-headers}: reject and pass (drop, the default, is in RequestHygieneTest). */
class UnderscoresTest {
    static TestUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        upstream = new TestUpstream();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    static RawHttp.Response send(String mode, String request) throws Exception {
        try (GatewayFixture fixture = new GatewayFixture(upstream.port(), "limits:\n  underscores-in-headers: " + mode + "\n");
             RawHttp raw = new RawHttp(fixture.port())) {
            raw.send(request);
            RawHttp.Response r = raw.read();
            if (r.status() == 400) {
                assertTrue(raw.closedByServer());
            }
            return r;
        }
    }

    @Test
    void rejectAnswers400AndForwardsNothing() throws Exception {
        int before = upstream.hits("/echo");
        RawHttp.Response r = send("reject", "GET /echo HTTP/1.1\r\nHost: example.cn\r\nTransfer_Encoding: chunked\r\n\r\n");
        assertEquals(400, r.status());
        assertEquals(before, upstream.hits("/echo"));
        assertEquals(200, send("reject", "GET /echo HTTP/1.1\r\nHost: example.cn\r\nX-Fine: 1\r\n\r\n").status(),
                "a head without underscores passes");
    }

    @Test
    void passForwardsThemAsTheyCame() throws Exception {
        RawHttp.Response r = send("pass", "GET /echo HTTP/1.1\r\nHost: example.cn\r\nX_Custom: 1\r\n\r\n");
        assertEquals(200, r.status());
        assertTrue(r.text().contains("x_custom: 1"), r.text());
    }
}
