package dev.beian.gateway.proxy;

import ch.qos.logback.classic.Logger;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * The Java side of one keep-alive request through the gateway's real handlers, without the kernel
 * ({@link ExchangeHarness#onTheWire}: the client's HTTP/1.1 steps of {@link ClientPipeline}, pooled upstream
 * connections as {@link UpstreamPool} builds them, on embedded channels). {@code forward}: the bytes wrk
 * sends for a filed host in, the upstream's head out, nginx's answer in, the client's answer out;
 * {@code block}: a request for an unfiled host in, the 451 out. The socket work (two reads and two writes per
 * forwarded request) costs the same in nginx (README, Performance); this is the part where the two differ.
 *
 * <pre>mvn -B -pl gateway -am -Pbench -DskipTests install
 * mvn -B -pl gateway -Pbench exec:exec -Dbench.args="ForwardPathBenchmark -f 2"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ForwardPathBenchmark {
    /** wrk's request, for a host the harness's registry files, and for one it does not. */
    private static final byte[] FORWARD = "GET / HTTP/1.1\r\nHost: example.cn\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLOCK = "GET / HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** nginx's answer in the load scripts, as it comes. */
    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 30 Nov 2026 00:00:00 GMT\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n"
            + "hello, world\n").getBytes(StandardCharsets.US_ASCII);

    private ExchangeHarness harness;

    @Setup(Level.Trial)
    public void start() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // as the gateway leaves it unless asked
        // as the load scripts run the gateway: warnings only, the access log off
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.WARN);
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).setLevel(ch.qos.logback.classic.Level.OFF);
        harness = ExchangeHarness.onTheWire(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        if (forward() != 200 || block() != 451) {
            throw new IllegalStateException("the bench's requests are not answered as they should be");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        harness.close();
    }

    /** A filed host: forwarded, answered by the upstream, relayed; the status the client got. */
    @Benchmark
    public int forward() {
        harness.client.writeInbound(Unpooled.wrappedBuffer(FORWARD));
        EmbeddedChannel upstream = harness.lastUpstream();
        if (!drain(upstream)) {
            throw new IllegalStateException("nothing reached the upstream");
        }
        upstream.writeInbound(Unpooled.wrappedBuffer(ANSWER));
        return answered();
    }

    /** An unfiled host: the block answer; the status the client got. */
    @Benchmark
    public int block() {
        harness.client.writeInbound(Unpooled.wrappedBuffer(BLOCK));
        return answered();
    }

    private int answered() {
        ByteBuf head = harness.client.readOutbound();
        int status = (head.getByte(9) - '0') * 100 + (head.getByte(10) - '0') * 10 + head.getByte(11) - '0';
        head.release();
        drain(harness.client);
        return status;
    }

    private static boolean drain(EmbeddedChannel channel) {
        boolean any = false;
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(msg);
            any = true;
        }
        return any;
    }
}
