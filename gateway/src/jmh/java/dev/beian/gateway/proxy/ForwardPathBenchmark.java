package dev.beian.gateway.proxy;

import ch.qos.logback.classic.Logger;
import dev.beian.decision.Decider;
import dev.beian.gateway.block.BlockAnswers;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.metrics.GatewayMetrics;
import dev.beian.registry.RegistryLoader;
import dev.beian.reload.RegistryHolder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
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
 * The Java side of one keep-alive request through the gateway's real handlers, without the kernel: a client
 * {@link EmbeddedChannel} with the HTTP/1.1 steps of {@link ClientPipeline} (header timeout, idle watch, codec,
 * framing, exchange), and pooled upstream connections that are embedded channels with the upstream steps of
 * {@link UpstreamPool} (idle watch, codec, handler). {@code forward}: the raw bytes of a request for a filed
 * host in, the upstream's head out, the raw bytes of an answer back, the client's answer out. {@code block}:
 * a request for an unfiled host in, the 451 out. The socket work (two reads and two writes per forwarded
 * request) costs the same in nginx (README, Performance); this is the part where the two differ.
 *
 * <pre>mvn -B -pl gateway -am -Pbench -DskipTests test-compile exec:exec -Dbench.args=ForwardPathBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ForwardPathBenchmark implements UpstreamConnector {
    private static final String REGISTRY = """
            subjects:
              - number: 京ICP备11018762号
                name: bench
                websites:
                  - number: 京ICP备11018762号-1
                    name: bench
                    domains: [bench.example.cn]
                    access: here
            """;
    private static final byte[] FORWARD = request("bench.example.cn");
    private static final byte[] BLOCK = request("unfiled.example.org");
    /** nginx's answer in the load scripts, as it comes. */
    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 30 Nov 2026 00:00:00 GMT\r\n"
            + "Content-Type: application/octet-stream\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n"
            + "hello, world\n").getBytes(StandardCharsets.US_ASCII);

    private ProxyContext context;
    private EmbeddedChannel client;
    private final ArrayDeque<UpstreamConnection> pooled = new ArrayDeque<>();
    private EmbeddedChannel upstream;
    private Path dir;

    /** wrk's request. */
    private static byte[] request(String host) {
        return ("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // as Main leaves it unless asked
        // as the load scripts run the gateway: warnings only, the access log off
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.WARN);
        ((Logger) LoggerFactory.getLogger("beian.access")).setLevel(ch.qos.logback.classic.Level.OFF);
        dir = Files.createTempDirectory("forward-bench");
        Files.writeString(dir.resolve("registry.yaml"), REGISTRY);
        Files.writeString(dir.resolve("gateway.yaml"), """
                listen:
                  http: 127.0.0.1:0
                registry:
                  path: registry.yaml
                  watch: false
                upstreams:
                  default: [127.0.0.1:3000]
                """);
        GatewayConfig config = new ConfigLoader(n -> null).load(dir.resolve("gateway.yaml"));
        Clock clock = Clock.systemUTC();
        RegistryHolder registry = RegistryHolder.load(config.registry().path(),
                new RegistryLoader(config.upstreams().keySet(), clock, null), clock);
        context = new ProxyContext(config, null, registry, new Decider(clock, 1000, true), new BlockAnswers(config),
                new Upstreams(config.upstreams()),
                new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config.upstreams().keySet()),
                new AccessLog(), (loop, ctx) -> this);
        client = new EmbeddedChannel();
        client.config().setWriteBufferWaterMark(ProxyContext.WATER_MARK);
        HeaderReadTimeout headerTimeout = new HeaderReadTimeout(config.timeouts().header().toNanos());
        client.pipeline().addLast("header-timeout", headerTimeout);
        client.pipeline().addLast("idle", new IdleWatch(config.timeouts().idle().toNanos()));
        client.pipeline().addLast("http", new GatewayServerCodec(GatewayConfig.MAX_REQUEST_LINE,
                config.limits().maxHeaderSize()));
        client.pipeline().addLast("framing", new FramingEnforcer());
        client.pipeline().addLast("exchange", new RequestReceiver(context, headerTimeout,
                GatewayMetrics.Protocol.HTTP1));
        if (forward() != 200 || block() != 451) {
            throw new IllegalStateException("the bench's requests are not answered as they should be");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        client.finishAndReleaseAll();
        if (upstream != null) {
            upstream.finishAndReleaseAll();
        }
        context.registry.close();
    }

    /** A filed host: forwarded, answered by the upstream, relayed; the status the client got. */
    @Benchmark
    public int forward() {
        client.writeInbound(Unpooled.wrappedBuffer(FORWARD));
        if (!drain(upstream)) {
            throw new IllegalStateException("nothing reached the upstream");
        }
        upstream.writeInbound(Unpooled.wrappedBuffer(ANSWER));
        return answered();
    }

    /** An unfiled host: the block answer; the status the client got. */
    @Benchmark
    public int block() {
        client.writeInbound(Unpooled.wrappedBuffer(BLOCK));
        return answered();
    }

    private int answered() {
        ByteBuf head = client.readOutbound();
        int status = head.getByte(9) * 100 + head.getByte(10) * 10 + head.getByte(11) - '0' * 111;
        head.release();
        drain(client);
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

    @Override
    public Future<UpstreamConnection> acquire(InetSocketAddress address) {
        UpstreamConnection reused = pooled.pollLast();
        if (reused != null) {
            reused.reused(true);
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(reused);
        }
        return connect(address);
    }

    @Override
    public Future<UpstreamConnection> connect(InetSocketAddress address) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setWriteBufferWaterMark(ProxyContext.WATER_MARK);
        UpstreamConnection connection = new UpstreamConnection(ch, address, pooled::add);
        connection.handler().onClose(() -> pooled.remove(connection));
        ch.pipeline().addLast(UpstreamConnection.IDLE, new IdleWatch(context.config.timeouts().idle().toNanos()));
        ch.pipeline().addLast(UpstreamConnection.CODEC, new UpstreamCodec());
        ch.pipeline().addLast("upstream", connection.handler());
        upstream = ch;
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(connection);
    }
}
