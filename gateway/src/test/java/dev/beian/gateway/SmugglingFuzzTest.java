package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.RawHttp;
import dev.beian.gateway.testing.StrictUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded, bounded fuzzing of valid requests into hostile ones (inserted fields, {@code Connection} naming
 * every field the request carries, doubled and missing line ends, control bytes, odd lengths, tabs in the
 * request line, requests hidden in bodies), each sent on its own connection to the real gateway. The
 * upstream ({@link StrictUpstream}) checks every request it receives for framing, Host and filing; the test
 * fails on any request that breaks those promises, on any leak (LeakGuard), or if the gateway stops
 * serving. {@code -Dfuzz.seed=N -Dfuzz.mutations=N} run other or more cases.
 */
class SmugglingFuzzTest {
    @RegisterExtension
    static final GatewayExtension<StrictUpstream> gateway = GatewayExtension.strictUpstream(RequestHygieneTest.FILED).config("""
                timeouts:
                  header: 500ms
                  idle: 500ms
                  response: 2s
                """);
    static final long SEED = Long.getLong("fuzz.seed", 20261129L);
    static final int MUTATIONS = Integer.getInteger("fuzz.mutations", 5000);
    static final String SENTINEL = "GET /sentinel HTTP/1.1\r\nHost: example.cn\r\nConnection: close\r\n\r\n";

    static final String SMUGGLED = "GET /x HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n";
    static final String[] BASES = {
        "GET /a HTTP/1.1\r\nHost: example.cn\r\nX-A: 1\r\nAccept: */*\r\n\r\n",
        "POST /b HTTP/1.1\r\nHost: www.example.cn\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: shop.example.cn\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET http://example.cn/d HTTP/1.1\r\nHost: example.cn\r\n\r\n",
        "GET /e HTTP/1.1\r\nHost: example.cn\r\n\r\nGET /f HTTP/1.1\r\nHost: www.example.cn\r\n\r\n",
        "GET /g HTTP/1.0\r\nHost: example.cn\r\nConnection: keep-alive\r\n\r\n",
        "POST /h HTTP/1.1\r\nHost: example.cn\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED,
        "POST /i HTTP/1.1\r\nHost: example.cn\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n",
        "GET /j HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n",
        "POST /k HTTP/1.1\r\nHost: gone.example.cn\r\nContent-Length: 3\r\n\r\nabc",
    };
    static final String[] FIELDS = {
        "Transfer-Encoding: chunked", "Transfer-Encoding: chunked, identity", "Transfer-Encoding: identity",
        "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: \tchunked", "Content-Length: 0", "Content-Length: 5", "Content-Length: 0005",
        "Content-Length: 99999999999999999999", "Content-Length: -1", "Content-Length: 5, 5", "Content-Length: 0x5",
        "Transfer_Encoding: chunked", "Content_Length: 3", "Host: unfiled.example.org", "Host: example.cn",
        "Host: gone.example.cn", " Host: unfiled.example.org", "Host : unfiled.example.org", "X-Forwarded-Host: unfiled.example.org",
        "Forwarded: host=unfiled.example.org", "Upgrade: h2c", "Upgrade: websocket", "Connection: Upgrade, HTTP2-Settings",
        "Expect: 100-continue", "Connection: close", "Connection: keep-alive", "Via: evil", "TE: trailers",
        "Keep-Alive: timeout=1", "X-Forwarded-For: 1.2.3.4", "Proxy-Connection: keep-alive",
    };
    static final String[] LENGTHS = {"0", "1", "4", "5", "6", "00005", "+5", "-5", "5 ", " 5", "5\t", "1e3", "65536",
        "4294967301", "99999999999999999999", ""};

    static String mutate(String request, Random random) {
        StringBuilder r = new StringBuilder(request);
        int steps = 1 + random.nextInt(3);
        for (int step = 0; step < steps; step++) {
            int headEnd = Math.max(r.indexOf("\r\n\r\n"), 0);
            switch (random.nextInt(10)) {
                case 0 -> insertLine(r, headEnd, FIELDS[random.nextInt(FIELDS.length)], random);
                case 1 -> { // Connection naming every field the request carries, or a random part of them
                    StringBuilder names = new StringBuilder();
                    for (String line : r.substring(0, headEnd).split("\r\n")) {
                        int colon = line.indexOf(':');
                        if (colon > 0 && (random.nextBoolean() || random.nextInt(4) == 0)) {
                            names.append(names.length() == 0 ? "" : ", ").append(line, 0, colon);
                        }
                    }
                    insertLine(r, headEnd, "Connection: " + (names.length() == 0 ? "Host" : names), random);
                }
                case 2 -> r.insert(lineEnd(r, random), "\r\n");
                case 3 -> {
                    int at = lineEnd(r, random);
                    if (at + 2 <= r.length()) {
                        r.delete(at + random.nextInt(2), at + 1 + random.nextInt(2));
                    }
                }
                case 4 -> r.insert(random.nextInt(r.length() + 1), (char) (random.nextBoolean() ? random.nextInt(0x20) : 0x7F));
                case 5 -> r.setCharAt(random.nextInt(r.length()), (char) random.nextInt(256));
                case 6 -> {
                    int cl = r.indexOf("Content-Length: ");
                    if (cl >= 0) {
                        int end = r.indexOf("\r\n", cl);
                        r.replace(cl + 16, end < 0 ? r.length() : end, LENGTHS[random.nextInt(LENGTHS.length)]);
                    } else {
                        insertLine(r, headEnd, "Content-Length: " + LENGTHS[random.nextInt(LENGTHS.length)], random);
                    }
                }
                case 7 -> {
                    int sp = r.indexOf(" ");
                    if (sp >= 0) {
                        r.replace(sp, sp + 1, random.nextBoolean() ? "\t" : "  ");
                    }
                }
                case 8 -> {
                    int host = r.indexOf("Host: ");
                    if (host >= 0) {
                        int end = r.indexOf("\r\n", host);
                        String[] hosts = {"unfiled.example.org", "example.cn:80", "EXAMPLE.CN.", "example.cn\u0000.org",
                            "example.cn, unfiled.example.org", "unfiled.example.org#.example.cn", "\u00e9xample.cn", ""};
                        r.replace(host + 6, end < 0 ? r.length() : end, hosts[random.nextInt(hosts.length)]);
                    }
                }
                default -> r.append(random.nextBoolean() ? SMUGGLED
                        : "POST /y HTTP/1.1\r\nHost: example.cn\r\nContent-Length: 3\r\n\r\nxyz");
            }
        }
        return r.toString();
    }

    private static void insertLine(StringBuilder r, int headEnd, String line, Random random) {
        List<Integer> starts = new ArrayList<>();
        for (int i = r.indexOf("\r\n"); i >= 0 && i <= headEnd; i = r.indexOf("\r\n", i + 2)) {
            starts.add(i + 2);
        }
        int at = starts.isEmpty() ? r.length() : starts.get(random.nextInt(starts.size()));
        r.insert(Math.min(at, r.length()), line + "\r\n");
    }

    private static int lineEnd(StringBuilder r, Random random) {
        List<Integer> ends = new ArrayList<>();
        for (int i = r.indexOf("\r\n"); i >= 0; i = r.indexOf("\r\n", i + 2)) {
            ends.add(i);
        }
        return ends.isEmpty() ? r.length() : ends.get(random.nextInt(ends.size()));
    }

    @Test
    void noMutationSmugglesAnythingPastTheGateway() throws Exception {
        Random random = new Random(SEED);
        List<byte[]> cases = new ArrayList<>(MUTATIONS);
        for (int i = 0; i < MUTATIONS; i++) {
            String sent = mutate(BASES[random.nextInt(BASES.length)], random) + SENTINEL;
            cases.add(sent.getBytes(StandardCharsets.ISO_8859_1));
        }
        AtomicInteger answered = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (byte[] bytes : cases) {
                done.add(pool.submit(() -> {
                    send(bytes, answered);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Thread.sleep(300);
        assertTrue(gateway.upstream().problems.isEmpty(), gateway.upstream().problems.size() + " requests broke a promise (seed " + SEED
                + "), e.g. " + gateway.upstream().problems.stream().limit(5).toList());
        assertTrue(gateway.upstream().received.size() > MUTATIONS / 4, "not vacuous: many cases reached the app: " + gateway.upstream().received.size());
        assertTrue(answered.get() > MUTATIONS * 9 / 10, "the gateway answered " + answered.get() + " of " + MUTATIONS);
        try (RawHttp raw = new RawHttp(gateway.fixture().port())) {
            raw.send("GET /after HTTP/1.1\r\nHost: example.cn\r\n\r\n");
            assertEquals(200, raw.read().status(), "still serving");
        }
    }

    /** Sends one case and reads until the gateway closes (or 3 s pass). */
    private static void send(byte[] bytes, AtomicInteger answered) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", gateway.fixture().port()), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(bytes);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
            if (got.size() > 0 && got.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 ")) {
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            // reset or timed out: the gateway may refuse a case any way it likes, as long as nothing leaks past
        }
    }
}
