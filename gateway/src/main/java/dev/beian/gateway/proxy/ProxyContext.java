package dev.beian.gateway.proxy;

import dev.beian.decision.Decider;
import dev.beian.gateway.net.Transport;
import dev.beian.gateway.block.BlockAnswers;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.metrics.GatewayMetrics;
import dev.beian.gateway.tls.Certificates;
import dev.beian.reload.RegistryHolder;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What every client connection shares: configuration, the registry in service, the decider, the block
 * answers, the upstreams and their per-loop pools, the meters, and whether the gateway is draining.
 * A loop's pool is found once per upstream connection taken, not per request byte.
 */
public final class ProxyContext {
    /** Backpressure: a channel stops being writable above 64 KiB queued and is again below 32 KiB. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    final GatewayConfig config;
    final Transport transport;
    final RegistryHolder registry;
    final Decider decider;
    final BlockAnswers blockAnswers;
    /** The same answers as HTTP/1.1 bytes, made once each. */
    final EncodedAnswer.Kept encodedAnswers;
    final Upstreams upstreams;
    final GatewayMetrics metrics;
    final AccessLog accessLog;
    private final Map<EventLoop, UpstreamConnector> connectors = new ConcurrentHashMap<>();
    private final Function<EventLoop, UpstreamConnector> connectorFactory;
    private volatile boolean draining;
    private volatile Certificates certificates;

    public ProxyContext(GatewayConfig config, Transport transport, RegistryHolder registry, Decider decider,
                        BlockAnswers blockAnswers, Upstreams upstreams, GatewayMetrics metrics, AccessLog accessLog) {
        this(config, transport, registry, decider, blockAnswers, upstreams, metrics, accessLog, UpstreamPool::new);
    }

    /** {@code connectorFactory}: a loop's upstream connections (tests give their own instead of real pools). */
    ProxyContext(GatewayConfig config, Transport transport, RegistryHolder registry, Decider decider,
                 BlockAnswers blockAnswers, Upstreams upstreams, GatewayMetrics metrics, AccessLog accessLog,
                 BiFunction<EventLoop, ProxyContext, UpstreamConnector> connectorFactory) {
        this.config = config;
        this.transport = transport;
        this.registry = registry;
        this.decider = decider;
        this.blockAnswers = blockAnswers;
        this.encodedAnswers = new EncodedAnswer.Kept(blockAnswers);
        this.upstreams = upstreams;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.connectorFactory = loop -> connectorFactory.apply(loop, this);
    }

    /** The upstream connections of {@code loop}: its own pool, touched by that loop only. */
    UpstreamConnector connector(EventLoop loop) {
        return connectors.computeIfAbsent(loop, connectorFactory);
    }

    /** The certificates in service for HTTPS (null without it). */
    public Certificates certificates() {
        return certificates;
    }

    /** Swaps in a new set of certificates: new handshakes use it, open connections keep theirs. */
    public void certificates(Certificates certificates) {
        this.certificates = certificates;
    }

    public boolean draining() {
        return draining;
    }

    /** From now on, every answer closes its connection and idle connections are closed. */
    public void startDraining() {
        draining = true;
    }
}
