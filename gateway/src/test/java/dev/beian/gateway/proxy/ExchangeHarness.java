package dev.beian.gateway.proxy;

import dev.beian.decision.Decider;
import dev.beian.gateway.block.BlockAnswers;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.metrics.GatewayMetrics;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.registry.RegistryLoader;
import dev.beian.reload.RegistryHolder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The proxy's handlers without sockets: a client {@link EmbeddedChannel} with the header timeout, the idle
 * step and a {@link RequestReceiver}, and upstream connections that are embedded channels too, handed out
 * by a connector the test steers (connect now, fail, or later; pooled connections reused). Time moves only
 * when a test says so ({@link #advance}), so every timeout is tested without sleeping.
 */
final class ExchangeHarness implements AutoCloseable, UpstreamConnector {
    static final String CONFIG = """
            listen:
              http: 127.0.0.1:0
            admin:
              listen: 127.0.0.1:0
            registry:
              path: registry.yaml
              watch: false
            upstreams:
              default: [127.0.0.1:3000]
              refused: [127.0.0.1:3001]
            timeouts:
              header: 5s
              idle: 10s
              response: 3s
            limits:
              request-buffer: 16KiB
            """;

    final Path dir;
    final MeterRegistry meters;
    final ProxyContext context;
    final EmbeddedChannel client;
    /** Every upstream connection handed out, in order. */
    final List<EmbeddedChannel> upstreams = new ArrayList<>();
    /** Connections given back to the pool, newest last. */
    final ArrayDeque<UpstreamConnection> pooled = new ArrayDeque<>();
    /** When set, the next acquire fails to connect. */
    boolean refuseNext;
    /** When set, the next acquire waits for {@link #completeConnect}. */
    boolean deferNext;
    private Promise<UpstreamConnection> deferred;

    /** Whether the pipelines carry their HTTP/1.1 codecs and the clock runs: {@link #onTheWire}. */
    private final boolean wire;

    ExchangeHarness() throws Exception {
        this("");
    }

    ExchangeHarness(String extraConfig) throws Exception {
        this(extraConfig, false, new SimpleMeterRegistry());
    }

    /**
     * The same handlers with bytes in and out: the client's pipeline with the codec and the framing step of
     * {@link ClientPipeline}, upstream connections with {@link UpstreamCodec} as {@link UpstreamPool} builds
     * them, Prometheus meters as the gateway has them, and a clock that runs (a benchmark's harness).
     */
    static ExchangeHarness onTheWire(MeterRegistry meters) throws Exception {
        return new ExchangeHarness("", true, meters);
    }

    private ExchangeHarness(String extraConfig, boolean wire, MeterRegistry meters) throws Exception {
        this.wire = wire;
        this.meters = meters;
        dir = Files.createTempDirectory("exchange-harness");
        Files.writeString(dir.resolve("registry.yaml"), GatewayFixture.REGISTRY);
        Files.writeString(dir.resolve("gateway.yaml"), CONFIG + extraConfig);
        GatewayConfig config = new ConfigLoader(n -> null).load(dir.resolve("gateway.yaml"));
        Clock clock = Clock.systemUTC();
        RegistryHolder registry = RegistryHolder.load(config.registry().path(),
                new RegistryLoader(config.upstreams().keySet(), clock, null), clock);
        context = new ProxyContext(config, null, registry, new Decider(clock, 1000, true), new BlockAnswers(config),
                new Upstreams(config.upstreams()), new GatewayMetrics(meters, config.upstreams().keySet()),
                new AccessLog(), (loop, ctx) -> this);
        client = new EmbeddedChannel();
        if (!wire) {
            client.freezeTime();
        }
        client.config().setWriteBufferWaterMark(ProxyContext.WATER_MARK);
        if (wire) {
            ClientPipeline.http1Connection(client.pipeline(), context);
            return;
        }
        // HTTP objects in and out: the steps of ClientPipeline without the codec and the framing step
        client.pipeline().addLast("heads-as-objects", new HeadsAsObjects(false, m -> { }));
        HeaderReadTimeout headerTimeout = new HeaderReadTimeout(config.timeouts().header().toNanos());
        client.pipeline().addLast("header-timeout", headerTimeout);
        client.pipeline().addLast("idle", new IdleWatch(config.timeouts().idle().toNanos()));
        client.pipeline().addLast("exchange", new RequestReceiver(context, headerTimeout, GatewayMetrics.Protocol.HTTP1));
    }

    /**
     * Without codecs, a head the gateway wrote as bytes ({@link EncodedHead}) is read back into the HTTP object
     * a peer would decode from it, so that tests look at heads as objects; bodies pass as they are.
     */
    static final class HeadsAsObjects extends ChannelOutboundHandlerAdapter {
        private final boolean requests;
        private final Consumer<HttpMethod> sent;

        /** {@code sent}: told each request's method, as the upstream codec's encoder tells its decoder. */
        HeadsAsObjects(boolean requests, Consumer<HttpMethod> sent) {
            this.requests = requests;
            this.sent = sent;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof EncodedHead head) {
                if (head.method() != null) {
                    sent.accept(head.method());
                }
                ctx.write(readBack(head, requests), promise);
            } else {
                ctx.write(msg, promise);
            }
        }

        /** The head as a peer's decoder reads it from the bytes (which it consumes); fails if they do not parse. */
        @SuppressWarnings("unchecked")
        static <T extends HttpMessage> T readBack(EncodedHead head, boolean request) {
            EmbeddedChannel peer = new EmbeddedChannel(request ? new HttpRequestDecoder() : new HttpResponseDecoder());
            try {
                peer.writeInbound(head.content());
                HttpMessage read = peer.readInbound();
                if (read == null || !read.decoderResult().isSuccess()) {
                    throw new AssertionError("the gateway wrote a head that does not parse: "
                            + (read == null ? "no head" : read.decoderResult()));
                }
                return (T) read;
            } finally {
                peer.finishAndReleaseAll();
            }
        }
    }

    /**
     * An upstream's answer written by a test as HTTP objects, turned into the bytes an upstream sends (Netty's
     * encoder), for the gateway's own decoder to read; bytes (a tunnel's) pass as they are.
     */
    static final class ObjectsAsBytes extends ChannelInboundHandlerAdapter {
        private final EmbeddedChannel encoder = new EmbeddedChannel(new HttpResponseEncoder());

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpObject)) {
                ctx.fireChannelRead(msg);
                return;
            }
            encoder.writeOutbound(msg);
            for (ByteBuf bytes; (bytes = encoder.readOutbound()) != null; ) {
                if (bytes.isReadable()) {
                    ctx.fireChannelRead(bytes);
                } else {
                    bytes.release(); // an empty last content: nothing on the wire
                }
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            encoder.finishAndReleaseAll();
        }
    }

    static HttpRequest get(String uri, String host) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set("Host", host);
        return r;
    }

    /** The count of beian_requests_total for an outcome. */
    double requests(String outcome) {
        var c = meters.find("beian_requests").tags("outcome", outcome, "protocol", "http1").counter();
        return c == null ? 0 : c.count();
    }

    double upstreamErrors(String kind) {
        var c = meters.find("beian_upstream_errors").tags("kind", kind, "upstream", "default").counter();
        return c == null ? 0 : c.count();
    }

    /**
     * Moves the frozen clock of the client and of every upstream connection, running what falls due, in steps
     * of at most 100 ms, so that a timer that re-arms itself ({@link IdleWatch}, the header timeout) runs as
     * often as it would in real time.
     */
    void advance(long millis) {
        for (long left = millis; left > 0; left -= 100) {
            step(Math.min(100, left));
        }
    }

    private void step(long millis) {
        client.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        client.runPendingTasks();
        client.runScheduledPendingTasks();
        for (EmbeddedChannel u : upstreams) {
            u.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
            u.runPendingTasks();
            u.runScheduledPendingTasks();
        }
        client.runPendingTasks();
    }

    EmbeddedChannel lastUpstream() {
        return upstreams.get(upstreams.size() - 1);
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
        if (refuseNext) {
            refuseNext = false;
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(new ConnectException("refused"));
        }
        if (deferNext) {
            deferNext = false;
            deferred = ImmediateEventExecutor.INSTANCE.newPromise();
            return deferred;
        }
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(newConnection(address));
    }

    void completeConnect() {
        deferred.setSuccess(newConnection(new InetSocketAddress("127.0.0.1", 3000)));
    }

    private UpstreamConnection newConnection(InetSocketAddress address) {
        EmbeddedChannel ch = new EmbeddedChannel();
        if (!wire) {
            ch.freezeTime();
        }
        ch.config().setWriteBufferWaterMark(ProxyContext.WATER_MARK);
        UpstreamConnection connection = new UpstreamConnection(ch, address, pooled::add);
        connection.handler().onClose(() -> pooled.remove(connection));
        long idleNanos = context.config.timeouts().idle().toNanos();
        if (wire) {
            UpstreamPool.steps(ch, connection, idleNanos);
        } else { // HTTP objects in and out: request heads read back as objects, answers decoded from bytes
            ArrayDeque<HttpMethod> methods = new ArrayDeque<>();
            ch.pipeline().addLast("heads-as-objects", new HeadsAsObjects(true, methods::add));
            ch.pipeline().addLast("objects-as-bytes", new ObjectsAsBytes());
            ch.pipeline().addLast(UpstreamConnection.DECODER, new UpstreamResponseDecoder(methods));
            ch.pipeline().addLast(UpstreamConnection.IDLE, new IdleWatch(idleNanos));
            ch.pipeline().addLast("upstream", connection.handler());
        }
        upstreams.add(ch);
        return connection;
    }

    @Override
    public void close() throws java.io.IOException {
        client.finishAndReleaseAll();
        for (EmbeddedChannel u : upstreams) {
            u.finishAndReleaseAll();
        }
        context.registry.close(); // its reload thread, one per harness
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
