package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An upstream with several addresses is used round-robin. */
class RoundRobinTest {
    @Test
    void requestsAreSpreadOverTheAddresses() throws Exception {
        try (TestUpstream a = new TestUpstream(); TestUpstream b = new TestUpstream();
             GatewayFixture f = new GatewayFixture(Map.of("default", "127.0.0.1:" + a.port() + ", 127.0.0.1:" + b.port()),
                     "", GatewayFixture.REGISTRY.replace("        upstream: refused\n", ""))) {
            for (int i = 0; i < 10; i++) {
                try (RawHttp raw = new RawHttp(f.port())) {
                    raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\nConnection: close\r\n\r\n");
                    assertEquals(200, raw.read().status());
                }
            }
            assertEquals(5, a.hits("/echo"));
            assertEquals(5, b.hits("/echo"));
        }
    }
}
