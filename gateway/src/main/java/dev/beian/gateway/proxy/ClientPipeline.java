package dev.beian.gateway.proxy;

import dev.beian.gateway.config.GatewayConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The row of handlers on every client connection, each with one reason to exist:
 *
 * <pre>
 * limit ─► [proxy-protocol ─► proxy-address] ─► header-timeout ─► idle ─► http ─► framing ─► proxy
 * </pre>
 *
 * {@link ConnectionLimit} refuses connections over {@code limits.max-connections}; the PROXY header, when
 * configured, carries the client address; {@link HeaderReadTimeout} bounds how long a head may take;
 * {@code idle} marks connections without traffic for {@code timeouts.idle}; {@link GatewayServerCodec}
 * speaks HTTP/1.1 with the head limits; {@link FramingEnforcer} stops what cannot be framed safely;
 * {@link ProxyHandler} decides and forwards or blocks.
 */
public final class ClientPipeline extends ChannelInitializer<SocketChannel> {
    private static final String HEADER_TIMEOUT = "header-timeout";
    private static final String CODEC = "http";
    private static final String FRAMING = "framing";

    /** Fire into a client pipeline (on its loop) when the gateway starts draining. */
    public static final Object DRAIN = ProxyHandler.DRAIN;

    private final ProxyContext context;
    private final ConnectionLimit limit;
    private final ChannelGroup clients;

    public ClientPipeline(ProxyContext context, ChannelGroup clients) {
        this.context = context;
        this.limit = new ConnectionLimit(context.config().limits().maxConnections());
        this.clients = clients;
    }

    /** Open client connections, for {@code beian_connections_active}. */
    public int activeConnections() {
        return limit.active();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        GatewayConfig config = context.config();
        ch.config().setWriteBufferWaterMark(ProxyContext.WATER_MARK);
        clients.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("limit", limit);
        if (config.proxyProtocol()) {
            p.addLast("proxy-protocol", new HAProxyMessageDecoder());
            p.addLast("proxy-address", new ProxyProtocolAddress());
        }
        HeaderReadTimeout headerTimeout = new HeaderReadTimeout(config.headerTimeout().toNanos());
        p.addLast(HEADER_TIMEOUT, headerTimeout);
        p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        p.addLast(CODEC, new GatewayServerCodec(GatewayConfig.MAX_REQUEST_LINE, config.limits().maxHeaderSize()));
        p.addLast(FRAMING, new FramingEnforcer());
        p.addLast("proxy", new ProxyHandler(context, headerTimeout));
    }

    /** After a 101 to a WebSocket upgrade: the connection carries bytes from now on. */
    static void becomeTunnel(ChannelPipeline p) {
        for (String name : new String[] {HEADER_TIMEOUT, FRAMING, "idle", CODEC}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }
}
