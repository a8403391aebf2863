package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.H2Client;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestCertificates;
import dev.beian.gateway.testing.TestUpstream;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tls.no-sni: default (then every request and stream is decided by its own Host) and the PROXY header before TLS. */
class TlsOptionsTest {
    TestUpstream upstream;
    Path certs;

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream();
        certs = Files.createTempDirectory("beian-certs");
        TestCertificates.write(certs, "example", "example.cn", "*.example.cn");
        TestCertificates.write(certs, "default", "default.invalid");
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        try (var files = Files.walk(certs)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    GatewayFixture gateway(String listenExtra, String tlsExtra) throws Exception {
        return new GatewayFixture(Map.of("default", "127.0.0.1:" + upstream.port()), """
                tls:
                  certificates: %s
                %s""".formatted(certs.toAbsolutePath(), tlsExtra),
                GatewayFixture.REGISTRY.replace("        upstream: refused\n", ""), listenExtra);
    }

    static FullHttpRequest get(String host) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/echo");
        r.headers().set("Host", host);
        return r;
    }

    @Test
    void withoutSniEachStreamIsDecidedByItsOwnHost() throws Exception {
        try (GatewayFixture fixture = gateway("https: 127.0.0.1:0", "  no-sni: default\n");
             H2Client h2 = new H2Client(fixture.gateway.httpsAddress().getPort(), null)) {
            FullHttpResponse forwarded = h2.send(get("www.example.cn"));
            assertEquals(200, forwarded.status().code());
            forwarded.release();
            FullHttpResponse blocked = h2.send(get("unfiled.example.org"));
            assertEquals(451, blocked.status().code(), "blocked per stream");
            assertEquals("unfiled", blocked.headers().get("x-beian-reason"));
            blocked.release();
            FullHttpResponse again = h2.send(get("shop.example.cn"));
            assertEquals(200, again.status().code(), "the connection serves on");
            again.release();
        }
    }

    @Test
    void theProxyHeaderComesBeforeTheClientHello() throws Exception {
        try (GatewayFixture fixture = gateway("https: 127.0.0.1:0\n  proxy-protocol: true", "")) {
            Socket plain = new Socket();
            plain.connect(new InetSocketAddress("127.0.0.1", fixture.gateway.httpsAddress().getPort()), 2000);
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("PROXY TCP4 203.0.113.7 127.0.0.1 5555 443\r\n".getBytes(StandardCharsets.US_ASCII));
            try (SSLSocket tls = TestCertificates.over(plain, "www.example.cn"); RawHttp raw = new RawHttp(tls)) {
                raw.send("GET /echo HTTP/1.1\r\nHost: www.example.cn\r\n\r\n");
                RawHttp.Response r = raw.read();
                assertEquals(200, r.status());
                assertTrue(r.text().contains("x-forwarded-for: 203.0.113.7"), r.text());
                assertTrue(r.text().contains("x-forwarded-proto: https"), r.text());
            }
        }
    }
}
