package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** listen.proxy-protocol: the load balancer's PROXY header carries the client address. */
class ProxyProtocolTest {
    @RegisterExtension
    static final GatewayExtension<TestUpstream> gateway = GatewayExtension.testUpstream().withoutRefusedUpstream()
            .registry(GatewayFixture.REGISTRY.replace("        upstream: refused\n", "")).listen("proxy-protocol: true");

    @Test
    void theClientAddressComesFromTheProxyHeader() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("PROXY TCP4 203.0.113.7 127.0.0.1 5555 80\r\nGET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("x-forwarded-for: 203.0.113.7\n"), r.text());
        }
    }

    @Test
    void aConnectionWithoutTheHeaderIsClosed() throws Exception {
        int before = gateway.upstream().hits("/echo");
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            assertTrue(raw.closedByServer());
        }
        assertEquals(before, gateway.upstream().hits("/echo"), "never forwarded");
    }
}
