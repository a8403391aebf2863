package dev.beian.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.Gateway;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.Nginx;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11 against a real web server: Debian's nginx serves registry.yaml (ETag, 304, gzip) and a replica
 * with {@code registry.url} follows it, keeps the last valid copy, survives the server going away (also
 * across its own restart) and a half-written file, and comes back when the server does.
 */
class FleetRegistryTest {
    Path published;
    Path replica;
    TestUpstream app;
    Nginx nginx;
    Gateway gateway;
    int nginxPort;

    @BeforeEach
    void setUp() throws Exception {
        Nginx.assumeInstalled();
        published = Files.createTempDirectory("registry-source");
        replica = Files.createTempDirectory("replica");
        app = new TestUpstream();
        nginxPort = GatewayFixture.closedPort();
        Files.writeString(replica.resolve("gateway.yaml"), """
                listen:
                  http: 127.0.0.1:0
                admin:
                  listen: 127.0.0.1:0
                registry:
                  path: copy/registry.yaml
                  url: http://127.0.0.1:%d/registry.yaml
                  poll: 200ms
                upstreams:
                  default: [127.0.0.1:%d]
                """.formatted(nginxPort, app.port()));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (app != null) {
            app.close();
        }
    }

    static String registry(String... domains) {
        StringBuilder yaml = new StringBuilder("subjects:\n  - number: 京ICP备11018762号\n    name: 示例\n    websites:\n");
        for (int i = 0; i < domains.length; i++) {
            yaml.append("      - number: 京ICP备11018762号-").append(i + 1).append("\n        name: site ").append(i)
                    .append("\n        domains: [").append(domains[i]).append("]\n        access: here\n");
        }
        return yaml.toString();
    }

    /** Published as an object store or a careful admin does: written aside, then renamed into place. */
    void publish(String text) throws IOException {
        Path part = published.resolve(".registry.yaml.part");
        Files.writeString(part, text, StandardCharsets.UTF_8);
        Files.move(part, published.resolve("registry.yaml"), StandardCopyOption.ATOMIC_MOVE);
    }

    Gateway startGateway() throws Exception {
        return Gateway.start(new ConfigLoader(name -> null).load(replica.resolve("gateway.yaml")), Clock.systemUTC());
    }

    int status(String host) throws IOException {
        try (RawHttp raw = new RawHttp(gateway.httpAddress().getPort())) {
            raw.send("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return raw.read().status();
        }
    }

    double meter(String name, String result) {
        var search = gateway.meters().find(name);
        if (result != null) {
            search = search.tag("result", result);
        }
        var counter = search.counter();
        return counter != null ? counter.count() : search.gauge().value();
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aReplicaFollowsItsSourceThroughOutagesAndBadFiles() throws Exception {
        String v1 = registry("one.fleet.cn");
        String v2 = registry("one.fleet.cn", "two.fleet.cn");
        publish(v1);
        nginx = new Nginx(published, nginxPort);

        // first start of a replica: no copy kept yet, so it fetches before it serves, and keeps the copy
        gateway = startGateway();
        Path copy = replica.resolve("copy/registry.yaml");
        assertEquals(v1, Files.readString(copy));
        assertEquals(200, status("www.one.fleet.cn"));
        assertEquals(451, status("two.fleet.cn"));

        // unchanged: conditional GETs answered 304 by nginx, nothing reloaded
        await("a 304 from nginx", () -> nginx.accessLog().stream().anyMatch(line -> line.contains("\" 304 ")));
        await("unchanged polls counted", () -> meter("beian_registry_fetches", "unchanged") >= 1);
        assertEquals(0, meter("beian_registry_reloads", "success"));
        assertEquals(1, nginx.accessLog().stream().filter(line -> line.contains("\" 200 ")).count(),
                "the file is downloaded once: the first poll already knows the first start's ETag");

        // a new version: swapped in and kept
        publish(v2);
        await("v2 served", () -> status("two.fleet.cn") == 200);
        assertEquals(v2, Files.readString(copy));
        // counted when the fetch is done, its compiled copy written: a moment after it serves
        await("the fetch counted as changed", () -> meter("beian_registry_fetches", "changed") == 1);
        assertTrue(nginx.accessLog().stream().anyMatch(line -> line.contains("\" 200 ")
                && Long.parseLong(line.split("\" 200 ")[1].split(" ")[0]) < v2.getBytes(StandardCharsets.UTF_8).length),
                "the file travelled gzipped: " + nginx.accessLog());

        // a half-written file (cut inside a line, written in place): rejected, v2 keeps serving and stays kept
        String v3 = registry("one.fleet.cn", "two.fleet.cn", "three.fleet.cn");
        Files.writeString(published.resolve("registry.yaml"), v3.substring(0, v3.length() - 12));
        await("the cut file rejected", () -> meter("beian_registry_rejected", null) == 1);
        assertTrue(meter("beian_registry_reloads", "failure") >= 1);
        await("the fetch counted as rejected", () -> meter("beian_registry_fetches", "rejected") == 1);
        assertEquals(200, status("two.fleet.cn"));
        assertEquals(v2, Files.readString(copy), "an invalid file is never kept");
        // a forced reload of the kept copy (SIGHUP, POST /reload) is valid, but the source still holds the bad
        // file: the next poll judges it again instead of answering 304 for it
        assertTrue(gateway.registry().reloadAsync("signal").get().changed()); // rejected: 0 for a moment
        await("the source's file rejected again", () -> meter("beian_registry_rejected", null) == 1);
        await("the fetch counted as rejected", () -> meter("beian_registry_fetches", "rejected") >= 2);
        assertEquals(2, meter("beian_registry_fetches", "rejected"), "the same bad file is judged once per ETag");

        // the server goes away: every failure counted, v2 keeps serving, the log stays calm
        ch.qos.logback.classic.Logger holderLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(dev.beian.reload.RegistryHolder.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        holderLog.addAppender(lines);
        nginx.close();
        nginx = null;
        double failed = meter("beian_registry_fetches", "failed");
        double reloadFailures = meter("beian_registry_reloads", "failure");
        await("failed fetches counted", () -> meter("beian_registry_fetches", "failed") >= failed + 5);
        holderLog.detachAppender(lines);
        assertTrue(meter("beian_registry_reloads", "failure") >= reloadFailures + 5, "each one a reload failure too");
        assertEquals(1, lines.list.stream().filter(e -> e.getFormattedMessage().contains("cannot fetch")).count(),
                "one warning while the source stays away, not one per poll: " + lines.list);
        assertEquals(200, status("two.fleet.cn"));

        // the replica restarts while the server is still away: it serves its kept copy
        gateway.close();
        gateway = startGateway();
        assertEquals(200, status("two.fleet.cn"));
        assertEquals(451, status("three.fleet.cn"));

        // the server comes back with a whole v3: the replica follows, and is no longer marked rejected
        publish(v3);
        nginx = new Nginx(published, nginxPort);
        await("v3 served", () -> status("three.fleet.cn") == 200);
        await("no longer marked rejected", () -> meter("beian_registry_rejected", null) == 0);
        assertEquals(v3, Files.readString(copy));
        assertFalse(Files.list(copy.getParent()).anyMatch(p -> p.getFileName().toString().endsWith(".part")),
                "no temporary file left beside the copy");
    }

    @Test
    void aKeptCopyThatNoLongerFitsTheConfigurationIsReplacedFromTheSource() throws Exception {
        // kept under an older gateway.yaml that had an upstream "old"; this one has not
        Path copy = Files.createDirectories(replica.resolve("copy")).resolve("registry.yaml");
        Files.writeString(copy, registry("one.fleet.cn").replace("access: here", "access: here\n        upstream: old"));
        String v1 = registry("one.fleet.cn", "two.fleet.cn");
        publish(v1);
        nginx = new Nginx(published, nginxPort);
        gateway = startGateway();
        assertEquals(200, status("two.fleet.cn"));
        assertEquals(v1, Files.readString(copy), "the source's file is kept instead");
    }

    @Test
    void aFirstStartWithoutTheSourceFailsAndSaysWhy() throws Exception {
        try {
            gateway = startGateway();
            throw new AssertionError("started without any registry");
        } catch (IOException expected) {
            assertTrue(expected.getMessage().contains("cannot be fetched"), expected.getMessage());
            assertTrue(expected.getMessage().contains("registry.yaml"), expected.getMessage());
        }
    }

    @Test
    void aFirstStartOnAnInvalidSourceKeepsNothing() throws Exception {
        publish("subjects:\n  - number: nonsense\n");
        nginx = new Nginx(published, nginxPort);
        try {
            gateway = startGateway();
            throw new AssertionError("started on an invalid registry");
        } catch (dev.beian.registry.InvalidRegistryException expected) {
            assertFalse(Files.exists(replica.resolve("copy/registry.yaml")));
        }
    }
}
