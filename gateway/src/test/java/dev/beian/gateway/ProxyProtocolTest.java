package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** listen.proxy-protocol: the load balancer's PROXY header carries the client address. */
class ProxyProtocolTest {
    static TestUpstream upstream;
    static GatewayFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        upstream = new TestUpstream();
        fixture = new GatewayFixture(Map.of("default", "127.0.0.1:" + upstream.port()), "",
                GatewayFixture.REGISTRY.replace("        upstream: refused\n", ""), "proxy-protocol: true");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        upstream.close();
    }

    @Test
    void theClientAddressComesFromTheProxyHeader() throws Exception {
        try (RawHttp raw = new RawHttp(fixture.port())) {
            raw.send("PROXY TCP4 203.0.113.7 127.0.0.1 5555 80\r\nGET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("x-forwarded-for: 203.0.113.7\n"), r.text());
        }
    }

    @Test
    void aConnectionWithoutTheHeaderIsClosed() throws Exception {
        int before = upstream.hits("/echo");
        try (RawHttp raw = new RawHttp(fixture.port())) {
            raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            assertTrue(raw.closedByServer());
        }
        assertEquals(before, upstream.hits("/echo"), "never forwarded");
    }
}
