package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin endpoints of SPEC §8 and the metrics of §9, through a real admin listener. */
class AdminTest {
    static final String TOKEN = "s3cret-token";
    @RegisterExtension
    static final GatewayExtension<TestUpstream> gateway = GatewayExtension.testUpstream().token(TOKEN);
    static final HttpClient client = HttpClient.newHttpClient();

    static HttpResponse<String> admin(String method, String path, boolean withToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.fixture().adminPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (withToken) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static double metric(String scrape, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void healthAndReadiness() throws Exception {
        HttpResponse<String> health = admin("GET", "/healthz", false);
        assertEquals(200, health.statusCode());
        assertEquals("ok\n", health.body());
        assertEquals(200, admin("GET", "/readyz", false).statusCode());
    }

    @Test
    void protectedEndpointsNeedTheToken() throws Exception {
        for (String path : new String[] {"/registry", "/lookup?host=example.cn"}) {
            HttpResponse<String> r = admin("GET", path, false);
            assertEquals(401, r.statusCode(), path);
            assertTrue(r.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
        }
        assertEquals(401, admin("POST", "/reload", false).statusCode());
        HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.fixture().adminPort()
                + "/registry")).header("Authorization", "Bearer s3cret-tokeX").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
        assertEquals(200, admin("GET", "/metrics", false).statusCode(), "metrics stay open");
    }

    @Test
    void registryDescribesTheFileInService() throws Exception {
        HttpResponse<String> r = admin("GET", "/registry", true);
        assertEquals(200, r.statusCode());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
        String body = r.body();
        assertTrue(body.matches("(?s)\\{\"version\":\"[0-9a-f]{64}\",\"loadedAt\":\"[0-9T:.Z-]+\",\"path\":\".*registry.yaml\","
                + "\"subjects\":1,\"websites\":5,\"domains\":6}\\n"), body);
    }

    @Test
    void lookupExplainsADecision() throws Exception {
        HttpResponse<String> r = admin("GET", "/lookup?host=Shop.Example.CN:8443", true);
        assertEquals(200, r.statusCode());
        assertEquals("{\"host\":\"Shop.Example.CN:8443\",\"normalized\":\"shop.example.cn\",\"decision\":\"forward\","
                + "\"reason\":null,\"matchedDomain\":\"shop.example.cn\",\"websiteNumber\":\"京ICP备11018762号-2\","
                + "\"subjectNumber\":\"京ICP备11018762号\",\"access\":\"provisional\","
                + "\"accessUntil\":\"2099-01-02T00:00:00+08:00\",\"upstream\":\"default\"}\n", r.body());
        HttpResponse<String> blocked = admin("GET", "/lookup?host=%E7%A4%BA%E4%BE%8B.%E4%B8%AD%E5%9B%BD", true);
        assertTrue(blocked.body().contains("\"normalized\":\"xn--fsq092h.xn--fiqs8s\",\"decision\":\"forward\""), blocked.body());
        HttpResponse<String> unfiled = admin("GET", "/lookup?host=unfiled.example.org", true);
        assertTrue(unfiled.body().contains("\"decision\":\"block\",\"reason\":\"unfiled\",\"matchedDomain\":null"), unfiled.body());
        assertEquals(400, admin("GET", "/lookup", true).statusCode());
        assertEquals(400, admin("GET", "/lookup?host=a%20b", true).statusCode());
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        assertEquals(404, admin("GET", "/nope", true).statusCode());
        assertEquals(405, admin("GET", "/reload", true).statusCode());
        assertEquals(405, admin("POST", "/metrics", true).statusCode());
    }

    @Test
    void everyOutcomeCounterMovesByExactlyTheRequestsSent() throws Exception {
        String before = admin("GET", "/metrics", false).body();
        int[] sent = {3, 2, 1, 4, 2, 1}; // forwarded, unfiled, not_accessed, cancelled, bad_request, upstream_error
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            for (int i = 0; i < sent[0]; i++) {
                raw.send("GET /echo HTTP/1.1\r\nHost: example.cn\r\n\r\n");
                assertEquals(200, raw.read().status());
            }
            for (int i = 0; i < sent[1]; i++) {
                raw.send("GET / HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n");
                raw.read();
            }
            for (int i = 0; i < sent[2]; i++) {
                raw.send("GET / HTTP/1.1\r\nHost: elsewhere.cn\r\n\r\n");
                raw.read();
            }
            for (int i = 0; i < sent[3]; i++) {
                raw.send("GET / HTTP/1.1\r\nHost: gone.example.cn\r\n\r\n");
                raw.read();
            }
            for (int i = 0; i < sent[5]; i++) {
                raw.send("GET / HTTP/1.1\r\nHost: refused.example.cn\r\n\r\n");
                assertEquals(502, raw.read().status());
            }
        }
        for (int i = 0; i < sent[4]; i++) {
            try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
                raw.send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
                assertEquals(400, raw.read().status());
            }
        }
        String after = admin("GET", "/metrics", false).body();
        String[] outcomes = {"forwarded", "unfiled", "not_accessed", "cancelled", "bad_request", "upstream_error"};
        for (int i = 0; i < outcomes.length; i++) {
            String series = "beian_requests_total{outcome=\"" + outcomes[i] + "\",protocol=\"http1\"}";
            assertEquals(sent[i], metric(after, series) - metric(before, series), series);
            String count = "beian_request_duration_seconds_count{outcome=\"" + outcomes[i] + "\"}";
            assertEquals(sent[i], metric(after, count) - metric(before, count), count);
        }
        String connect = "beian_upstream_errors_total{kind=\"connect\",upstream=\"refused\"}";
        assertEquals(sent[5], metric(after, connect) - metric(before, connect), connect);
    }

    @Test
    void aBadPercentEscapeIsAnswered400NotLeftHanging() throws Exception {
        // the JDK's client cannot send these; a raw socket can, and the gateway threw and answered nothing
        for (String target : new String[] {"/lookup?host=%zz", "/lookup?host=%e", "/%zz", "/metrics?x=%"}) {
            try (RawHttp raw = new RawHttp(gateway.fixture().adminPort())) {
                raw.send("GET " + target + " HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");
                RawHttp.Response r = raw.read();
                assertEquals(400, r.status(), target);
                assertTrue(r.text().contains("malformed request target"), r.text());
            }
        }
    }

    @Test
    void lookupTakesRawUtf8AndPercentEncodedHostsAlike() throws Exception {
        int port = gateway.fixture().adminPort();
        for (byte[] target : new byte[][] {
            "/lookup?host=示例.中国".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "/lookup?host=%E7%A4%BA%E4%BE%8B.%E4%B8%AD%E5%9B%BD".getBytes(java.nio.charset.StandardCharsets.US_ASCII)}) {
            try (RawHttp raw = new RawHttp(port)) {
                java.io.ByteArrayOutputStream req = new java.io.ByteArrayOutputStream();
                req.write("GET ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                req.write(target);
                req.write((" HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                raw.sendBytes(req.toByteArray());
                RawHttp.Response r = raw.read();
                assertEquals(200, r.status(), r.text());
                assertTrue(r.text().contains("\"host\":\"示例.中国\""), r.text());
                assertTrue(r.text().contains("\"normalized\":\"xn--fsq092h.xn--fiqs8s\""), r.text());
                assertTrue(r.text().contains("\"decision\":\"forward\""), r.text());
            }
        }
    }

    @Test
    void metricsHaveTheSpecifiedNamesAndNoHostLabel() throws Exception {
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /echo HTTP/1.1\r\nHost: cache-me.example.cn\r\n\r\n");
            raw.read();
        }
        HttpResponse<String> r = admin("GET", "/metrics", false);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElse(null));
        String body = r.body();
        for (String name : new String[] {
            "beian_requests_total{outcome=\"upstream_timeout\",protocol=\"http1\"}",
            "beian_requests_total{outcome=\"client_abort\",protocol=\"http1\"}",
            "beian_requests_total{outcome=\"misdirected\",protocol=\"h2\"}",
            "beian_request_duration_seconds_bucket{outcome=\"forwarded\",le=",
            "beian_upstream_errors_total{kind=\"reset\",upstream=\"default\"}",
            "beian_connections_active ",
            "beian_registry_subjects 1.0", "beian_registry_websites 5.0", "beian_registry_domains 6.0",
            "beian_registry_reloads_total{result=\"success\"}", "beian_registry_reloads_total{result=\"failure\"}",
            "beian_registry_last_success_timestamp_seconds ",
            "cache_gets_total{cache=\"host_decisions\",result=\"miss\"}", "cache_evictions_total{cache=\"host_decisions\"}",
            "cache_size{cache=\"host_decisions\"}",
            "beian_build_info{version=\"",
            "jvm_memory_used_bytes", "process_cpu_usage", "netty_allocator_memory_used"}) {
            assertTrue(body.contains(name), name + " missing");
        }
        assertFalse(body.contains("cache-me"), "no label carries a host name");
        assertTrue(metric(body, "cache_puts_total{cache=\"host_decisions\"}") >= 1, "a decision made is a put counted");
        assertTrue(body.lines().filter(l -> l.startsWith("netty_allocator")).noneMatch(l -> l.contains("id=\"")),
                "no label that changes at every start (Micrometer tags the allocator with its identity hash code)");
        assertTrue(body.contains("beian_registry_rejected 0.0"), "a registry that was never rejected");
        long buckets = body.lines().filter(l -> l.startsWith("beian_request_duration_seconds_bucket{outcome=\"forwarded\""))
                .filter(l -> !l.contains("le=\"+Inf\"")).count();
        assertTrue(buckets >= 8 && buckets <= 16, "SPEC §9: at most 16 fixed buckets, found " + buckets);
        assertTrue(body.contains("beian_request_duration_seconds_bucket{outcome=\"forwarded\",le=\"0.001\"}"), "from 1 ms");
        assertTrue(body.contains("beian_request_duration_seconds_bucket{outcome=\"forwarded\",le=\"30.0\"}"), "to 30 s");
        assertFalse(body.matches("(?s).*\\bhost=\".*"), "no host label");
    }

    @Test
    void reloadByPostSwapsOrReportsErrors() throws Exception {
        Path file = gateway.fixture().dir.resolve("registry.yaml");
        String original = Files.readString(file);
        try {
            assertEquals(451, SignalsTest.status(gateway.fixture().port(), "new-site.cn", "/echo"));
            Files.writeString(file, original + "      - number: 京ICP备11018762号-9\n        name: 新\n"
                    + "        domains: [new-site.cn]\n        access: here\n");
            HttpResponse<String> ok = admin("POST", "/reload", true);
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().matches("(?s)\\{\"version\":\"[0-9a-f]{64}\",\"loadedAt\":\".*\",\"path\":\".*\","
                    + "\"subjects\":1,\"websites\":6,\"domains\":7,\"becameBlocked\":0,\"becameUnblocked\":1}\\n"), ok.body());
            assertEquals(200, SignalsTest.status(gateway.fixture().port(), "new-site.cn", "/echo"));

            double failures = metric(admin("GET", "/metrics", false).body(), "beian_registry_reloads_total{result=\"failure\"}");
            Files.writeString(file, original.replace("access: elsewhere", "access: sometimes"));
            HttpResponse<String> bad = admin("POST", "/reload", true);
            assertEquals(422, bad.statusCode());
            assertEquals("{\"errors\":[{\"line\":17,\"column\":17,\"message\":\"access must be here, provisional, "
                    + "elsewhere or withdrawn, not 'sometimes'\"}]}\n", bad.body());
            assertEquals(200, SignalsTest.status(gateway.fixture().port(), "new-site.cn", "/echo"), "the old registry keeps serving");
            String after = admin("GET", "/metrics", false).body();
            assertEquals(failures + 1, metric(after, "beian_registry_reloads_total{result=\"failure\"}"));
            assertEquals(1, metric(after, "beian_registry_rejected"), "SPEC §9: the newest file was rejected");
            Files.writeString(file, original);
            assertEquals(200, admin("POST", "/reload", true).statusCode());
            assertEquals(0, metric(admin("GET", "/metrics", false).body(), "beian_registry_rejected"),
                    "a valid file again");
        } finally {
            Files.writeString(file, original);
            admin("POST", "/reload", true);
        }
    }
}
