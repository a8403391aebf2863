package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/**
 * With {@code listen.proxy-protocol: true}, every connection must open with a PROXY v1/v2 header
 * (Netty's decoder reads it, this handler keeps the source address and steps aside). A connection that
 * does not is closed: a direct connection could otherwise claim any client address it liked.
 */
final class ProxyProtocolAddress extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage proxy) {
            try {
                if (proxy.command() == HAProxyCommand.PROXY && proxy.sourceAddress() != null) {
                    ctx.channel().attr(ClientAddress.KEY).set(proxy.sourceAddress());
                }
            } finally {
                proxy.release();
            }
            ctx.pipeline().remove(this);
            return;
        }
        io.netty.util.ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a malformed PROXY header
    }
}
