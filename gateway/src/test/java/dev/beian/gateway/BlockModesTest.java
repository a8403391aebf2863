package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redirect mode, an operator's own page, and ip-hosts: block. */
class BlockModesTest {

    @Test
    void redirectModeSendsTheTencentStyleTemplateWithTheHostEncoded() throws Exception {
        try (GatewayFixture f = new GatewayFixture(Map.of("default", "127.0.0.1:" + GatewayFixture.closedPort()), """
                block:
                  mode: redirect
                  redirect-url: "https://dnspod.qcloud.com/static/webblock.html?d={host}"
                ip-hosts: block
                """, GatewayFixture.REGISTRY.replace("        upstream: refused\n", ""));
             RawHttp raw = new RawHttp(f.port())) {
            raw.send("GET /x HTTP/1.1\r\nHost: WWW.Unfiled.Example.ORG.:80\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(302, r.status());
            assertEquals("https://dnspod.qcloud.com/static/webblock.html?d=www.unfiled.example.org", r.header("location"));
            assertEquals("unfiled", r.header("x-beian-reason"));
            assertEquals("no-store", r.header("cache-control"));
            raw.send("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
            RawHttp.Response v6 = raw.read();
            assertEquals(302, v6.status());
            assertEquals("https://dnspod.qcloud.com/static/webblock.html?d=%5B%3A%3A1%5D", v6.header("location"));
            raw.send("GET / HTTP/1.1\r\nHost: www.elsewhere.cn\r\n\r\n");
            assertEquals("not_accessed", raw.read().header("x-beian-reason"));
        }
    }

    @Test
    void theRedirectCarriesTheReasonWhereTheTemplateAsksForIt() throws Exception {
        try (GatewayFixture f = new GatewayFixture(Map.of("default", "127.0.0.1:" + GatewayFixture.closedPort()), """
                block:
                  mode: redirect
                  redirect-url: "https://notice.example.com/blocked?d={host}&why={reason}"
                """, GatewayFixture.REGISTRY.replace("        upstream: refused\n", ""));
             RawHttp raw = new RawHttp(f.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: gone.example.cn\r\n\r\n");
            assertEquals("https://notice.example.com/blocked?d=gone.example.cn&why=cancelled", raw.read().header("location"));
        }
    }

    @Test
    void anOwnPageGetsHostAndReasonFilledIn() throws Exception {
        java.nio.file.Path page = Files.createTempFile("block", ".html");
        Files.writeString(page, "<p>{host} is blocked: {reason}</p>");
        try (GatewayFixture f = new GatewayFixture(Map.of("default", "127.0.0.1:" + GatewayFixture.closedPort(),
                "refused", "127.0.0.1:1"), "block:\n  page: " + page + "\n  status: 403\n", GatewayFixture.REGISTRY);
             RawHttp raw = new RawHttp(f.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: gone.example.cn\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(403, r.status());
            assertEquals("<p>gone.example.cn is blocked: cancelled</p>", r.text());
        } finally {
            Files.delete(page);
        }
    }
}
