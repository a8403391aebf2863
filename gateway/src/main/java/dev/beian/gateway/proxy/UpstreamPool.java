package dev.beian.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keep-alive connections to upstreams, one pool per event loop: a client connection and its upstream
 * connections always share a loop, so the pool is touched by one thread only and needs no locks, and bytes
 * never hop threads. Idle connections are reused newest first, at most {@link #MAX_IDLE_PER_ADDRESS} per
 * address (a burst does not leave thousands open), and closed after {@code timeouts.idle}.
 */
final class UpstreamPool implements UpstreamConnector {
    /**
     * Idle connections kept per upstream address on one event loop; more are closed when released. Sized for
     * HTTP/2: one client connection alone may have 128 streams in flight (http2.max-concurrent-streams), each
     * an upstream exchange; at 128, 16 h2 connections x 10 streams on one loop closed and reopened upstream
     * connections after every burst (h2 requests/s 0.83x nginx; 0.95-0.99x at 512). Idle ones still close
     * after timeouts.idle.
     */
    static final int MAX_IDLE_PER_ADDRESS = 512;
    private static final AttributeKey<UpstreamConnection> CONNECTION = AttributeKey.valueOf("beian.upstream");
    private static final AttributeKey<InetSocketAddress> ADDRESS = AttributeKey.valueOf("beian.upstreamAddress");

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<InetSocketAddress, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();

    UpstreamPool(EventLoop loop, ProxyContext context) {
        this.loop = loop;
        long idleNanos = context.config.timeouts().idle().toNanos();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(context.transport.channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.config.timeouts().connect().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyContext.WATER_MARK)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        UpstreamConnection connection = new UpstreamConnection(ch, ch.attr(ADDRESS).get(),
                                UpstreamPool.this::release);
                        connection.handler().onClose(() -> forget(connection));
                        ch.attr(CONNECTION).set(connection);
                        steps(ch, connection, idleNanos);
                    }
                });
    }

    /**
     * The steps of an upstream connection: idle watch, codec, the connection's handler (also what the tests'
     * harness puts on an embedded channel for {@code ForwardPathBenchmark}).
     */
    static void steps(Channel ch, UpstreamConnection connection, long idleNanos) {
        ch.pipeline().addLast(UpstreamConnection.IDLE, new IdleWatch(idleNanos));
        UpstreamCodec codec = new UpstreamCodec();
        ch.pipeline().addLast(UpstreamConnection.ENCODER, codec.encoder());
        ch.pipeline().addLast(UpstreamConnection.DECODER, codec.decoder());
        ch.pipeline().addLast("upstream", connection.handler());
    }

    @Override
    public Future<UpstreamConnection> acquire(InetSocketAddress address) {
        ArrayDeque<UpstreamConnection> connections = idle.get(address);
        while (connections != null && !connections.isEmpty()) {
            UpstreamConnection connection = connections.pollLast();
            if (connection.isActive()) {
                connection.reused(true);
                return loop.newSucceededFuture(connection);
            }
        }
        return connect(address);
    }

    @Override
    public Future<UpstreamConnection> connect(InetSocketAddress address) {
        Promise<UpstreamConnection> promise = loop.newPromise();
        ChannelFuture connect = bootstrap.clone().attr(ADDRESS, address).connect(address);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(connect.channel().attr(CONNECTION).get());
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    private void release(UpstreamConnection connection) {
        ArrayDeque<UpstreamConnection> connections = idle.computeIfAbsent(connection.address(), a -> new ArrayDeque<>());
        if (connections.size() >= MAX_IDLE_PER_ADDRESS) {
            connection.channel().close();
            return;
        }
        connections.addLast(connection);
    }

    private void forget(UpstreamConnection connection) {
        ArrayDeque<UpstreamConnection> connections = idle.get(connection.address());
        if (connections != null) {
            connections.remove(connection);
        }
    }
}
