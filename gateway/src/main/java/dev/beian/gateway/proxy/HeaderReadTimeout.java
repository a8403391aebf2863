package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Slowloris defence: a request head must be complete within {@code timeouts.header} of its first byte
 * (of the connection's opening, for the first request). Sits before the codec so it sees raw bytes arrive;
 * the exchange handler tells it when a head is complete and when the connection waits for the next one.
 * When the time is up the connection is answered 408 by the exchange handler, via a user event, or simply
 * closed if nothing was sent at all.
 */
final class HeaderReadTimeout extends ChannelInboundHandlerAdapter {
    /** Fired down the pipeline when a head took too long. */
    static final Signal EXPIRED = new Signal("HeaderReadTimeout.EXPIRED");

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean waitingForHead = true;
    private boolean sawBytes;
    private long headStart = System.nanoTime();

    HeaderReadTimeout(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        headStart = System.nanoTime();
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        sawBytes = true;
        if (waitingForHead && timer == null) {
            headStart = System.nanoTime();
            arm();
        }
        ctx.fireChannelRead(msg);
    }

    /** When the head being waited for began: its first byte, or the connection's opening for the first. */
    long headStartedAt() {
        return headStart;
    }

    /** The exchange handler got a complete request head. */
    void headReceived() {
        waitingForHead = false;
        cancel();
    }

    /** The previous exchange is over; the next head's clock starts with its first byte. */
    void awaitNextHead() {
        waitingForHead = true;
        sawBytes = false;
        cancel();
    }

    private void arm() {
        cancel();
        timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expire() {
        timer = null;
        if (!waitingForHead || !ctx.channel().isActive()) {
            return;
        }
        if (sawBytes) {
            ctx.fireUserEventTriggered(EXPIRED);
        } else {
            ctx.close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
