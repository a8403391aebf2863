package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last step of an upstream connection: hands what happens to the listener the connection serves, or,
 * while the connection waits in the pool, closes it on anything at all (an idle upstream that sends bytes,
 * closes, or stays idle too long is not one to reuse).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private final UpstreamConnection connection;
    private UpstreamListener listener;
    private Runnable onClose = () -> { };

    UpstreamHandler(UpstreamConnection connection) {
        this.connection = connection;
    }

    void bind(UpstreamListener listener) {
        this.listener = listener;
    }

    void unbind() {
        this.listener = null;
    }

    /** Run when the connection closes (the pool forgets it). */
    void onClose(Runnable onClose) {
        this.onClose = onClose;
    }

    void timedOut() {
        if (listener != null) {
            listener.upstreamTimedOut();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (listener != null) {
            listener.upstreamRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.upstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (listener == null) {
                ctx.close();
            } else {
                listener.upstreamIdle();
            }
            return;
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamListener l = listener;
        listener = null;
        connection.cancelResponseTimeout();
        onClose.run();
        if (l != null) {
            l.upstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof ResponseHeadParser.Malformed m) {
            MalformedAnswers.report(connection.address(), m.getMessage());
        }
        UpstreamListener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.upstreamFailed(cause);
        }
    }
}
