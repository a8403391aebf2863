package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayExtension;
import dev.beian.gateway.testing.NonReadingClient;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.TestUpstream;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 200 MB each way through the gateway, checksummed at both ends, while the buffer memory in use is
 * sampled: it must stay far below the body size (streaming, not buffering).
 */
class StreamingTest {
    @RegisterExtension
    static final GatewayExtension<TestUpstream> gateway = GatewayExtension.testUpstream();
    static final long SIZE = 200L * 1024 * 1024;
    static final long MEMORY_CEILING = 64L * 1024 * 1024;

    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Samples the buffer memory in use while {@code work} runs; returns the highest sample. */
    static long peakBufferMemory(ThrowingRunnable work) throws Exception {
        var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                peak.accumulateAndGet(metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            work.run();
        } finally {
            done.set(true);
            sampler.join();
        }
        return peak.get();
    }

    /**
     * How far buffer memory rose above what it was when {@code work} began: for a class whose gateway shares the
     * allocator with tests before it (what they left pooled counts in the totals).
     */
    static long peakBufferGrowth(ThrowingRunnable work) throws Exception {
        var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        long base = metric.usedDirectMemory() + metric.usedHeapMemory();
        return peakBufferMemory(work) - base;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void uploadOf200MegabytesStreamsAndArrivesIntact() throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        String[] answer = new String[1];
        long peak = peakBufferMemory(() -> {
            InputStream body = new InputStream() {
                long position;

                @Override
                public int read() {
                    if (position >= SIZE) {
                        return -1;
                    }
                    byte b = TestUpstream.byteAt(position++);
                    sent.update(b);
                    return b & 0xff;
                }

                @Override
                public int read(byte[] buf, int off, int len) {
                    if (position >= SIZE) {
                        return -1;
                    }
                    int n = (int) Math.min(len, SIZE - position);
                    for (int i = 0; i < n; i++) {
                        buf[off + i] = TestUpstream.byteAt(position + i);
                    }
                    sent.update(buf, off, n);
                    position += n;
                    return n;
                }
            };
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.fixture().port() + "/upload"))
                    .header("Host", "example.cn")
                    .timeout(Duration.ofMinutes(3))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            answer[0] = r.body();
        });
        assertEquals(HexFormat.of().formatHex(sent.digest()) + " " + SIZE, answer[0]);
        assertTrue(peak < MEMORY_CEILING, "buffer memory peaked at " + peak / 1024 / 1024 + " MiB");
    }

    @Test
    void aSlowUpstreamHoldsTheClientBackInsteadOfGrowingMemory() throws Exception {
        long peak = peakBufferMemory(() -> {
            try (dev.beian.gateway.testing.RawHttp raw = new dev.beian.gateway.testing.RawHttp(gateway.fixture().port())) {
                raw.send("POST /slow-upload HTTP/1.1\r\nHost: example.cn\r\nContent-Length: " + SIZE + "\r\n\r\n");
                AtomicLong sent = new AtomicLong();
                Thread writer = new Thread(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        while (sent.get() < SIZE) {
                            raw.output().write(chunk);
                            sent.addAndGet(chunk.length);
                        }
                    } catch (java.io.IOException closed) {
                        // the socket is closed below to end the test
                    }
                });
                writer.start();
                Thread.sleep(2000);
                raw.close();
                writer.join(5000);
                assertTrue(sent.get() < SIZE / 4, "the client was held back: sent " + sent.get());
            }
        });
        assertTrue(peak < 16L * 1024 * 1024, "buffer memory peaked at " + peak / 1024 / 1024 + " MiB");
    }

    @Test
    void aSlowReaderHoldsTheUpstreamBackInsteadOfGrowingMemory() throws Exception {
        long peak = peakBufferMemory(() -> {
            try (dev.beian.gateway.testing.RawHttp raw = new dev.beian.gateway.testing.RawHttp(gateway.fixture().port())) {
                raw.send("GET /download?size=" + SIZE + " HTTP/1.1\r\nHost: example.cn\r\n\r\n");
                byte[] buf = new byte[16 * 1024];
                long deadline = System.currentTimeMillis() + 2000;
                long read = 0;
                while (System.currentTimeMillis() < deadline) { // about 1.6 MB/s: far slower than the upstream
                    read += Math.max(0, raw.input().read(buf));
                    Thread.sleep(10);
                }
                assertTrue(read > 0 && read < SIZE / 10, "read " + read);
            }
        });
        assertTrue(peak < 16L * 1024 * 1024, "buffer memory peaked at " + peak / 1024 / 1024 + " MiB");
    }

    /**
     * A client that pipelines blocked requests without end and reads none of the answers (a slow-read attack):
     * each 49-byte request earns a 2 KB page, and every answer written and not taken stays in the gateway. The
     * next request is not started while the client's write buffer is over its water mark, so what the gateway
     * decides stays bounded by the answers the sockets' buffers take (about 2,000 here, the same after 3 s and
     * 8 s); before, it went on reading and answering for as long as the client sent (13,000 in 3 s, 33,000 in
     * 8 s, every answer held).
     */
    @Test
    void aPipeliningClientThatReadsNoAnswerIsNotServedMore() throws Exception {
        var unfiled = gateway.fixture().gateway.meters().counter("beian_requests", "outcome", "unfiled", "protocol", "http1");
        double before = unfiled.count();
        // a million requests, two gigabytes of answers
        try (NonReadingClient client = new NonReadingClient(gateway.fixture().port(), 1000)) {
            Thread.sleep(3000);
        }
        double decided = unfiled.count() - before;
        assertTrue(decided > 0 && decided < 5000, "requests decided for a client that read no answer: " + decided);
    }

    @Test
    void downloadOf200MegabytesStreamsAndArrivesIntact() throws Exception {
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        for (long p = 0; p < SIZE; p += chunk.length) {
            int n = (int) Math.min(chunk.length, SIZE - p);
            for (int i = 0; i < n; i++) {
                chunk[i] = TestUpstream.byteAt(p + i);
            }
            expected.update(chunk, 0, n);
        }
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long[] count = new long[1];
        long peak = peakBufferMemory(() -> {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.fixture().port()
                            + "/download?size=" + SIZE)).header("Host", "www.example.cn").timeout(Duration.ofMinutes(3)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            try (InputStream in = r.body()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    received.update(buf, 0, n);
                    count[0] += n;
                }
            }
        });
        assertEquals(SIZE, count[0]);
        assertEquals(HexFormat.of().formatHex(expected.digest()), HexFormat.of().formatHex(received.digest()));
        assertTrue(peak < MEMORY_CEILING, "buffer memory peaked at " + peak / 1024 / 1024 + " MiB");
    }
}
