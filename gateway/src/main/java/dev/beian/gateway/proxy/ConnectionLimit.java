package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code limits.max-connections}: a connection over the limit is closed as soon as it is accepted, before
 * a byte is read, so a flood cannot make the gateway hold more sockets and buffers than it was sized for.
 * Also the count behind {@code beian_connections_active}.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private final int max;
    private final AtomicInteger active = new AtomicInteger();

    ConnectionLimit(int max) {
        this.max = max;
    }

    int active() {
        return active.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (active.incrementAndGet() > max) {
            active.decrementAndGet();
            ctx.pipeline().remove(this);
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        active.decrementAndGet();
        ctx.fireChannelInactive();
    }
}
