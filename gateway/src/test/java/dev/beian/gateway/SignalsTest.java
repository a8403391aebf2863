package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.GatewayProcess;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.TestUpstream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway as a process: SIGHUP reloads the registry, SIGTERM drains in-flight requests and exits 0. */
class SignalsTest {

    static String registry(String domain) {
        return "subjects:\n  - number: 京ICP备11018762号\n    name: s\n    websites:\n"
                + "      - number: 京ICP备11018762号-1\n        name: w\n        domains: [" + domain + "]\n        access: here\n";
    }

    /**
     * Whether this process ignores SIGHUP (started under nohup, as a build run in the background may be): the
     * gateway it starts inherits that, says so, and rightly keeps SIGHUP reloads off (Main).
     */
    static boolean hupIgnoredHere() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0; // signal 1: bit 0
            }
        }
        return false;
    }

    @Test
    void hupReloadsAndTermDrainsThenExitsZero(@TempDir Path dir) throws Exception {
        assumeFalse(hupIgnoredHere(), "SIGHUP is ignored by this build's process (nohup?), and so by the gateway it starts");
        try (TestUpstream upstream = new TestUpstream()) {
            int port = GatewayFixture.closedPort();
            Files.writeString(dir.resolve("registry.yaml"), registry("a.cn"));
            GatewayProcess.writeConfig(dir, port, upstream.port(), "timeouts:\n  drain: 10s\n");
            Process p = GatewayProcess.command(dir, List.of()).start();
            try {
                awaitListening(port);
                assertEquals(451, status(port, "b.cn", "/echo"));

                Files.writeString(dir.resolve("registry.yaml"), registry("b.cn"));
                new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
                long deadline = System.currentTimeMillis() + 10_000;
                while (status(port, "b.cn", "/echo") != 200 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(200, status(port, "b.cn", "/echo"), "SIGHUP reloaded the registry");

                Files.writeString(dir.resolve("registry.yaml"), registry("b.cn").replace("access: here", "access: never"));
                new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
                deadline = System.currentTimeMillis() + 10_000;
                // the error lines follow the "rejected" line: wait for them, not for it (the log is read while written)
                while (!Files.readString(dir.resolve("out.log")).contains("registry.yaml:8:17:")
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(Files.readString(dir.resolve("out.log")).contains("registry.yaml:8:17: access must be"),
                        "the errors are logged with their line: " + Files.readString(dir.resolve("out.log")));
                assertEquals(200, status(port, "b.cn", "/echo"), "an invalid file on SIGHUP keeps the old registry");

                CompletableFuture<RawHttp.Response> inFlight = CompletableFuture.supplyAsync(() -> {
                    try (RawHttp raw = new RawHttp(port)) {
                        raw.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: b.cn\r\n\r\n");
                        return raw.read();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(400);
                p.destroy(); // SIGTERM
                Thread.sleep(300);
                p.destroy(); // again, while it drains (a second Ctrl-C; a supervisor that repeats itself)
                RawHttp.Response r = inFlight.get(10, TimeUnit.SECONDS);
                assertEquals(200, r.status(), "the request in flight finished");
                assertEquals("close", r.header("connection"));
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exited");
                assertEquals(0, p.exitValue(), Files.readString(dir.resolve("out.log")));
                assertTrue(Files.readString(dir.resolve("out.log")).contains("draining"));
                assertTrue(Files.readString(dir.resolve("out.log")).contains("waiting up to 10.0 s"),
                        "durations in seconds, not PT10S");
                assertTrue(Files.readString(dir.resolve("out.log")).contains("stopped: 0 connection(s) cut off"),
                        "a final line says it stopped");
                String log = Files.readString(dir.resolve("out.log"));
                assertEquals(1, log.split("draining: no new connections", -1).length - 1, "one drain: " + log);
                assertEquals(1, log.split("stopped: ", -1).length - 1, "one line saying it stopped: " + log);
                assertTrue(log.contains("already draining"), "the second signal is noticed: " + log);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    static void awaitListening(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("gateway did not start listening on " + port);
    }

    static int status(int port, String host, String path) throws IOException {
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return raw.read().status();
        }
    }

}
