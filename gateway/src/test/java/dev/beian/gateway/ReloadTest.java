package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.LogLines;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import dev.beian.reload.ReloadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hot reload of SPEC §10 on a serving gateway: file watch (in place and ConfigMap swap), under load. */
class ReloadTest {
    TestUpstream upstream;
    GatewayFixture fixture;

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream();
        fixture = new GatewayFixture(Map.of("default", "127.0.0.1:" + upstream.port(),
                "refused", "127.0.0.1:" + GatewayFixture.closedPort()), "", GatewayFixture.REGISTRY, "", true, "");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
        upstream.close();
    }

    int status(String host) throws Exception {
        return SignalsTest.status(fixture.port(), host, "/echo");
    }

    void awaitStatus(String host, int expected) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (status(host) != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(expected, status(host), host);
    }

    double failures() {
        var c = fixture.gateway.meters().find("beian_registry_reloads").tags("result", "failure").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anEditInPlaceIsPickedUpAndAnInvalidOneKeepsTheOldRegistry() throws Exception {
        Path file = fixture.dir.resolve("registry.yaml");
        String original = Files.readString(file);
        assertEquals(451, status("www.elsewhere.cn"));
        Files.writeString(file, original.replace("access: elsewhere", "access: here"));
        awaitStatus("www.elsewhere.cn", 200);

        double failures = failures();
        Files.writeString(file, original.replace("access: elsewhere", "acess: here"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (failures() == failures && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(failures + 1, failures());
        assertEquals(200, status("www.elsewhere.cn"), "the old registry keeps serving");
    }

    @Test
    void theDiffIsLoggedAsOneLine() throws Exception {
        try (LogLines lines = new LogLines(dev.beian.reload.RegistryHolder.class.getName())) {
            Path file = fixture.dir.resolve("registry.yaml");
            Files.writeString(file, Files.readString(file).replace("access: elsewhere", "access: here")
                    .replace("domains: [example.cn, 示例.中国]", "domains: [示例.中国]"));
            ReloadResult r = fixture.gateway.registry().reloadAsync("test").get(10, TimeUnit.SECONDS);
            assertTrue(r.success());
            String line = lines.messages().stream().filter(m -> m.startsWith("registry reloaded")).findFirst()
                    .orElseThrow();
            assertTrue(line.contains("1 became blocked [example.cn], 1 became unblocked [elsewhere.cn]"), line);
        }
    }

    @Test
    void eachRequestGetsOneAccessLogLine() throws Exception {
        try (LogLines lines = LogLines.access()) {
            assertEquals(200, status("www.example.cn"));
            assertEquals(451, status("unfiled.example.org"));
            List<Map<String, Object>> got = lines.await(2, 2000);
            assertEquals(2, got.size());
            Map<String, Object> kv = got.get(0);
            assertEquals("127.0.0.1", kv.get("client"));
            assertEquals("www.example.cn", kv.get("host"));
            assertEquals("GET", kv.get("method"));
            assertEquals("/echo", kv.get("path"));
            assertEquals(200, kv.get("status"));
            assertEquals("forwarded", kv.get("outcome"));
            assertEquals("default", kv.get("upstream"));
            assertTrue(kv.get("duration_ms") instanceof Double);
            String blocked = (String) got.get(1).get("message");
            assertTrue(blocked.contains(" 451 unfiled "), blocked);
        }
    }

    @Test
    void twentyReloadsUnderASteadyStreamOfRequestsLoseNothing() throws Exception {
        Path file = fixture.dir.resolve("registry.yaml");
        String original = Files.readString(file);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            try (RawHttp raw = new RawHttp(fixture.port())) {
                while (running.get()) {
                    raw.send("GET /echo HTTP/1.1\r\nHost: www.example.cn\r\n\r\n");
                    if (raw.read().status() == 200) {
                        ok.incrementAndGet();
                    } else {
                        bad.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                bad.incrementAndGet();
                throw new RuntimeException(e);
            }
        });
        for (int i = 0; i < 20; i++) {
            // every version keeps www.example.cn filed, and changes something else
            Files.writeString(file, original.replace("name: 商城", "name: 商城" + i)
                    .replace("[shop.example.cn]", i % 2 == 0 ? "[shop.example.cn, extra" + i + ".cn]" : "[shop.example.cn]"));
            ReloadResult r = fixture.gateway.registry().reloadAsync("test " + i).get(10, TimeUnit.SECONDS);
            assertTrue(r.success(), r.errors().toString());
            Thread.sleep(25);
        }
        running.set(false);
        load.get(10, TimeUnit.SECONDS);
        assertEquals(0, bad.get(), "requests that failed or were blocked");
        assertTrue(ok.get() > 20, "requests served: " + ok.get());
    }
}
