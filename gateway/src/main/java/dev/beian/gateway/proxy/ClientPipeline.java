package dev.beian.gateway.proxy;

import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * Builds every client connection's pipeline in named steps, each handler with one reason to exist:
 *
 * <pre>
 * connection:     limit
 * proxy protocol: [proxy-protocol ─► proxy-address]
 * TLS:            [tls ─► tls-handshakes ─► alpn]   (HTTPS: SniAdmission, then its SslHandler; ALPN then adds
 *                                                   the HTTP/1 steps below, or an {@link Http2Connection})
 * timeouts:       header-timeout ─► idle
 * HTTP/1:         http ─► framing
 * exchange:       exchange
 * </pre>
 *
 * {@link ConnectionLimit} refuses connections over {@code limits.max-connections}; the PROXY header, when
 * configured, carries the client address; {@link HeaderReadTimeout} bounds how long a head may take (it
 * sees raw bytes, so it stands before the codec); {@code idle} marks connections without traffic for
 * {@code timeouts.idle}; {@link GatewayServerCodec} speaks HTTP/1.1 with the head limits;
 * {@link FramingEnforcer} stops what cannot be framed safely; {@link RequestReceiver} admits each request
 * and carries it out.
 */
public final class ClientPipeline extends ChannelInitializer<SocketChannel> {
    static final String TLS = "tls";
    private static final String HEADER_TIMEOUT = "header-timeout";
    private static final String IDLE = "idle";
    private static final String ENCODER = "http-out";
    private static final String DECODER = "http";
    private static final String FRAMING = "framing";

    /** Fire into a client pipeline (on its loop) when the gateway starts draining. */
    public static final Object DRAIN = RequestReceiver.DRAIN;

    private final ProxyContext context;
    private final ConnectionLimit limit;
    private final ChannelGroup clients;
    private final boolean tls;

    /** The plain HTTP listener's pipeline. */
    public ClientPipeline(ProxyContext context, ChannelGroup clients) {
        this(context, clients, new ConnectionLimit(context.config.limits().maxConnections()), false);
    }

    /** The HTTPS listener's pipeline: the same connection limit and group, with the TLS step. */
    public ClientPipeline withTls() {
        return new ClientPipeline(context, clients, limit, true);
    }

    private ClientPipeline(ProxyContext context, ChannelGroup clients, ConnectionLimit limit, boolean tls) {
        this.context = context;
        this.clients = clients;
        this.limit = limit;
        this.tls = tls;
    }

    /** Open client connections, for {@code beian_connections_active}. */
    public int activeConnections() {
        return limit.active();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.config().setWriteBufferWaterMark(ProxyContext.WATER_MARK);
        clients.add(ch);
        ChannelPipeline p = ch.pipeline();
        connection(p);
        proxyProtocol(p);
        if (tls) {
            tls(p); // the HTTP steps follow once ALPN has chosen between HTTP/1.1 and HTTP/2
        } else {
            http1Connection(p, context);
        }
    }

    /**
     * The steps of an HTTP/1.1 connection: timeouts, the codec, the exchange (also what the tests' harness and
     * {@code ForwardPathBenchmark} put on an embedded channel, so that they run the pipeline as it is).
     */
    static void http1Connection(ChannelPipeline p, ProxyContext context) {
        HeaderReadTimeout headerTimeout = timeouts(p, context.config);
        http1(p, context.config);
        p.addLast("exchange", new RequestReceiver(context, headerTimeout, GatewayMetrics.Protocol.HTTP1));
    }

    private void connection(ChannelPipeline p) {
        p.addLast("limit", limit);
    }

    private void proxyProtocol(ChannelPipeline p) {
        if (context.config.listen().proxyProtocol()) {
            p.addLast("proxy-protocol", new HAProxyMessageDecoder());
            p.addLast("proxy-address", new ProxyProtocolAddress());
        }
    }

    /** The SNI decided before any certificate is sent; its SslHandler then stands at {@link #TLS}. */
    private void tls(ChannelPipeline p) {
        p.addLast(TLS, new SniAdmission(context));
        p.addLast("tls-handshakes", new TlsHandshakes(context));
        p.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    Http2Connection.configure(ctx.pipeline(), context);
                } else {
                    http1Connection(ctx.pipeline(), context);
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // counted by TlsHandshakes; nothing to say to a client that could not finish
            }
        });
    }

    private static HeaderReadTimeout timeouts(ChannelPipeline p, GatewayConfig config) {
        HeaderReadTimeout headerTimeout = new HeaderReadTimeout(config.timeouts().header().toNanos());
        p.addLast(HEADER_TIMEOUT, headerTimeout);
        p.addLast(IDLE, new IdleWatch(config.timeouts().idle().toNanos()));
        return headerTimeout;
    }

    private static void http1(ChannelPipeline p, GatewayConfig config) {
        GatewayServerCodec codec = new GatewayServerCodec(GatewayConfig.MAX_REQUEST_LINE, config.limits().maxHeaderSize());
        p.addLast(ENCODER, codec.encoder());
        p.addLast(DECODER, codec.decoder());
        p.addLast(FRAMING, new FramingEnforcer());
    }

    /** After a 101 to a WebSocket upgrade: bytes from now on; the idle step stays to close a silent tunnel. */
    static void becomeTunnel(ChannelPipeline p) {
        for (String name : new String[] {HEADER_TIMEOUT, FRAMING, DECODER, ENCODER}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }
}
