package dev.beian.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to upstreams, one pool per event loop: a client connection and its upstream
 * connection always share a loop, so the pool is touched by one thread only and needs no locks, and
 * bytes never hop threads. Idle connections are reused newest first and closed after {@code timeouts.idle}.
 * A connection is only ever given back by an exchange that ended cleanly on both sides.
 */
final class UpstreamPool {
    static final String CODEC = "http";
    private static final AttributeKey<InetSocketAddress> ADDRESS = AttributeKey.valueOf("beian.upstreamAddress");

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<InetSocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();

    UpstreamPool(EventLoop loop, ProxyContext context) {
        this.loop = loop;
        long idleNanos = context.config().idleTimeout().toNanos();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(context.transport().channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.config().connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, ProxyContext.WATER_MARK)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // observeOutput: an upstream that reads a large write slowly but steadily is not idle
                        ch.pipeline().addLast("idle", new IdleStateHandler(true, 0, 0, idleNanos, TimeUnit.NANOSECONDS));
                        ch.pipeline().addLast(CODEC, new UpstreamCodec());
                        ch.pipeline().addLast("upstream", new UpstreamHandler(UpstreamPool.this));
                    }
                });
    }

    /** A connection to {@code address}: an idle pooled one, or a new one. {@code reused} tells which. */
    Future<Channel> acquire(InetSocketAddress address, boolean[] reused) {
        ArrayDeque<Channel> channels = idle.get(address);
        while (channels != null && !channels.isEmpty()) {
            Channel ch = channels.pollLast();
            if (ch.isActive()) {
                reused[0] = true;
                return loop.newSucceededFuture(ch);
            }
        }
        reused[0] = false;
        return connect(address);
    }

    /** A new connection to {@code address}, never a pooled one. */
    Future<Channel> connect(InetSocketAddress address) {
        Promise<Channel> promise = loop.newPromise();
        ChannelFuture connect = bootstrap.connect(address);
        connect.channel().attr(ADDRESS).set(address);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(connect.channel());
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** Gives a connection back for reuse; it must have finished its exchange cleanly. */
    void release(Channel ch, InetSocketAddress address) {
        if (!ch.isActive()) {
            return;
        }
        ch.pipeline().get(UpstreamHandler.class).unbind();
        ch.config().setAutoRead(true);
        idle.computeIfAbsent(address, a -> new ArrayDeque<>()).addLast(ch);
    }

    void forget(Channel ch) {
        InetSocketAddress address = ch.attr(ADDRESS).get();
        if (address != null) {
            ArrayDeque<Channel> channels = idle.get(address);
            if (channels != null) {
                channels.remove(ch);
            }
        }
    }
}
