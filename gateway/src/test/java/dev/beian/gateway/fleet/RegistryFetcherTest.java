package dev.beian.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import dev.beian.reload.RegistryHolder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry source that misbehaves, answered by a JDK HTTP server: an HTTP error, a body over the limit, a
 * gzip body that inflates over it, a body that stalls half-way. Each fails the fetch, is counted, and
 * changes neither the registry in service nor the copy kept; a good gzip body with an ETag is swapped in and
 * then answered 304.
 */
class RegistryFetcherTest {
    static final String V1 = FleetRegistryTest.registry("one.fleet.cn");
    static final String V2 = FleetRegistryTest.registry("one.fleet.cn", "two.fleet.cn");
    static final RegistryFetcher.Limits LIMITS = new RegistryFetcher.Limits(64 << 10, Duration.ofMillis(700));

    HttpServer server;
    RegistryHolder holder;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Path copy;

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        copy = dir.resolve("registry.yaml");
        Files.writeString(copy, V1);
        RegistryLoader loader = new RegistryLoader(Set.of("default"), Clock.systemUTC());
        holder = RegistryHolder.load(copy, loader, Clock.systemUTC());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/missing", exchange -> answer(exchange, 404, new byte[0], false, null));
        server.createContext("/big", exchange -> answer(exchange, 200, new byte[(64 << 10) + 1], false, null));
        server.createContext("/bomb", exchange -> answer(exchange, 200, gzip(new byte[4 << 20]), true, null));
        server.createContext("/stall", exchange -> {
            exchange.sendResponseHeaders(200, 10_000);
            OutputStream out = exchange.getResponseBody();
            out.write(V2.getBytes(StandardCharsets.UTF_8), 0, 40);
            out.flush();
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/good", exchange -> {
            if ("\"v2\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                exchange.close();
                return;
            }
            boolean gzip = String.valueOf(exchange.getRequestHeaders().getFirst("Accept-Encoding")).contains("gzip");
            byte[] body = V2.getBytes(StandardCharsets.UTF_8);
            answer(exchange, 200, gzip ? gzip(body) : body, gzip, "\"v2\"");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        holder.close();
    }

    static void answer(HttpExchange exchange, int status, byte[] body, boolean gzip, String etag) throws IOException {
        if (gzip) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        if (etag != null) {
            exchange.getResponseHeaders().set("ETag", etag);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    RegistryFetcher fetcher(String path) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return new RegistryFetcher(url, holder, meters, Clock.systemUTC(), LIMITS);
    }

    double fetches(String result) {
        return meters.get("beian_registry_fetches").tag("result", result).counter().count();
    }

    void assertNothingChanged(String path) throws Exception {
        Registry before = holder.current();
        try (RegistryFetcher fetcher = fetcher(path)) {
            fetcher.poll();
        }
        assertEquals(1, fetches("failed"), path);
        assertSame(before, holder.current(), path + ": the registry in service stays");
        assertEquals(V1, Files.readString(copy), path + ": the copy kept stays");
        assertTrue(!Thread.currentThread().isInterrupted(), "no interrupt left behind");
    }

    @Test
    void anHttpErrorChangesNothing() throws Exception {
        assertNothingChanged("/missing");
    }

    @Test
    void aBodyOverTheLimitIsRefused() throws Exception {
        assertNothingChanged("/big");
    }

    @Test
    void aGzipBodyThatInflatesOverTheLimitIsRefused() throws Exception {
        assertNothingChanged("/bomb");
    }

    @Test
    void aBodyThatStallsIsCutOffByTheWatchdog() throws Exception {
        long start = System.nanoTime();
        assertNothingChanged("/stall");
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "cut off at the limit, not at the server's leisure");
    }

    @Test
    void aGoodGzipBodyIsSwappedInKeptAndThenAnswered304() throws Exception {
        Registry before = holder.current();
        try (RegistryFetcher fetcher = fetcher("/good")) {
            // whoever hears of the swap after the fetcher (and a scrape at that moment) sees it counted already,
            // not only once the compiled form has been written and offer has returned
            List<Double> countedWhenTold = new ArrayList<>();
            holder.addListener(result -> countedWhenTold.add(fetches("changed")));
            fetcher.poll();
            assertEquals(List.of(1.0), countedWhenTold);
            assertEquals(1, fetches("changed"));
            assertNotSame(before, holder.current());
            assertTrue(holder.current().website("two.fleet.cn") != null);
            assertEquals(V2, Files.readString(copy));
            fetcher.poll();
            assertEquals(1, fetches("unchanged"), "If-None-Match with the ETag: 304");
            assertEquals(0, fetches("failed"));
        }
    }
}
