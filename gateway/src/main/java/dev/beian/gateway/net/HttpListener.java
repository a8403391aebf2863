package dev.beian.gateway.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A small HTTP/1.1 server on an event loop of its own, whole requests in, for what is not client traffic:
 * the admin endpoints and the demo app. Its own loop means a scrape or a reload request never shares a
 * thread with the edge.
 */
public final class HttpListener implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private HttpListener(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * @param name      the loop's thread name
     * @param maxBody   largest request body accepted
     * @param handler   a new last step for each connection, given whole {@code FullHttpRequest}s
     */
    public static HttpListener start(String name, InetSocketAddress address, Transport transport, int maxBody,
                                     Supplier<ChannelHandler> handler) throws InterruptedException {
        EventLoopGroup group = transport.newGroup(1, name);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192),
                                    new HttpObjectAggregator(maxBody), handler.get());
                        }
                    })
                    .bind(address).sync().channel();
            return new HttpListener(group, channel);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
