package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestCertificates;
import dev.beian.gateway.testing.TestUpstream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §7 HTTPS over HTTP/1.1: the SNI is decided before any certificate is sent; refused names get the alert
 * unrecognized_name; a Host other than the SNI gets 421; certificates reload without dropping connections.
 * Certificates are made at test time; the client is the JDK's TLS socket with an explicit SNI.
 */
class TlsTest {
    @RegisterExtension
    static final GatewayExtension<TestUpstream> gateway = GatewayExtension.testUpstream().https(
            certs -> {
                TestCertificates.write(certs, "example", "example.cn", "*.example.cn");
                TestCertificates.write(certs, "elsewhere", "elsewhere.cn");
            });

    static int https() {
        return gateway.httpsPort();
    }

    static double handshakes(String result) {
        var c = gateway.fixture().gateway.meters().find("beian_tls_handshakes").tags("result", result).counter();
        return c == null ? 0 : c.count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"www.example.cn", "example.cn", "shop.example.cn"})
    void aFiledNameIsServedAndForwardedAsHttps(String name) throws Exception {
        double ok = handshakes("ok");
        try (SSLSocket socket = TestCertificates.connect(https(), name); RawHttp raw = new RawHttp(socket)) {
            raw.send("GET /echo HTTP/1.1\r\nHost: " + name + "\r\n\r\n");
            RawHttp.Response r = raw.read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("x-forwarded-proto: https"), r.text());
            assertTrue(r.text().contains("forwarded: for=127.0.0.1;proto=https;host=" + name), r.text());
        }
        assertEquals(ok + 1, handshakes("ok"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unfiled.example.org", "elsewhere.cn", "gone.example.cn", "xn--fsq092h.xn--fiqs8s"})
    void unfiledNotAccessedCancelledOrUncoveredNamesAreRefusedAtTheHandshake(String name) throws Exception {
        // unfiled; not accessed (a certificate covers it); cancelled (the wildcard covers it); filed but no
        // certificate covers it (示例.中国)
        double refused = handshakes("refused_sni");
        int before = gateway.upstream().hits("/echo");
        SSLException e = assertThrows(SSLException.class, () -> TestCertificates.connect(https(), name).close());
        assertTrue(String.valueOf(e.getMessage()).contains("unrecognized_name"), e.toString());
        assertEquals(refused + 1, handshakes("refused_sni"));
        assertEquals(before, gateway.upstream().hits("/echo"));
    }

    @Test
    void aClientHelloWithoutSniIsRefusedByDefault() throws Exception {
        double noSni = handshakes("no_sni");
        SSLException e = assertThrows(SSLException.class, () -> TestCertificates.connect(https(), null).close());
        assertTrue(String.valueOf(e.getMessage()).contains("unrecognized_name"), e.toString());
        assertEquals(noSni + 1, handshakes("no_sni"));
    }

    @Test
    void eachCertificatesExpiryIsAMetric() {
        var expiry = gateway.fixture().gateway.meters().find("beian_tls_certificate_expiry_timestamp_seconds")
                .tags("certificate", "example").gauge();
        long inThirtyDays = java.time.Instant.now().plus(java.time.Duration.ofDays(30)).getEpochSecond();
        assertTrue(expiry != null && Math.abs(expiry.value() - inThirtyDays) < 86_400 * 2, String.valueOf(expiry));
    }

    @Test
    void tls12IsServedToo() throws Exception {
        try (SSLSocket socket = TestCertificates.connect(https(), "www.example.cn", "TLSv1.2")) {
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
        }
        assertThrows(SSLException.class, () -> TestCertificates.connect(https(), "www.example.cn", "TLSv1.1").close());
    }

    @Test
    void aHostOtherThanTheSniIs421() throws Exception {
        String misdirected = "beian_requests_total{outcome=\"misdirected\",protocol=\"http1\"}";
        try (SSLSocket socket = TestCertificates.connect(https(), "www.example.cn"); RawHttp raw = new RawHttp(socket)) {
            raw.send("GET /echo HTTP/1.1\r\nHost: shop.example.cn\r\n\r\n");
            assertEquals(421, raw.read().status());
        }
        try (SSLSocket socket = TestCertificates.connect(https(), "www.example.cn"); RawHttp raw = new RawHttp(socket)) {
            raw.send("GET /echo HTTP/1.1\r\nHost: WWW.Example.CN.:443\r\n\r\n");
            assertEquals(200, raw.read().status(), "the same host, written otherwise, is no misdirection");
        }
        var c = gateway.fixture().gateway.meters().find("beian_requests").tags("outcome", "misdirected", "protocol", "http1").counter();
        assertTrue(c != null && c.count() >= 1, misdirected);
    }

    @Test
    void certificatesReloadWithoutDroppingOpenConnections() throws Exception {
        try (SSLSocket open = TestCertificates.connect(https(), "www.example.cn"); RawHttp raw = new RawHttp(open)) {
            BigInteger before = ((X509Certificate) open.getSession().getPeerCertificates()[0]).getSerialNumber();
            X509Certificate renewed = TestCertificates.write(gateway.certificates(), "example", "example.cn", "*.example.cn");
            long deadline = System.currentTimeMillis() + 10_000;
            BigInteger now = before;
            while (!now.equals(renewed.getSerialNumber()) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                try (SSLSocket fresh = TestCertificates.connect(https(), "www.example.cn")) {
                    now = ((X509Certificate) fresh.getSession().getPeerCertificates()[0]).getSerialNumber();
                }
            }
            assertEquals(renewed.getSerialNumber(), now, "new handshakes get the renewed certificate");
            assertNotEquals(before, now);
            raw.send("GET /echo HTTP/1.1\r\nHost: www.example.cn\r\n\r\n");
            assertEquals(200, raw.read().status(), "the connection opened before the reload still serves");
        }
    }

    @Test
    void anUnreadableCertificateFolderKeepsTheOldSet() throws Exception {
        Path broken = gateway.certificates().resolve("broken.crt");
        Files.writeString(broken, "not a certificate");
        try {
            Thread.sleep(800); // past the watcher's debounce: the reload is tried and refused
            try (SSLSocket socket = TestCertificates.connect(https(), "www.example.cn")) {
                assertTrue(socket.getSession().isValid(), "the old set serves on");
            }
        } finally {
            Files.delete(broken);
        }
    }
}
