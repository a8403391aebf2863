package dev.beian.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * Slowloris defence: a request head must be complete within {@code timeouts.header} of its first byte
 * (of the connection's opening, for the first request). Sits before the codec so it sees raw bytes arrive;
 * the exchange handler tells it when a head is complete and when the connection waits for the next one.
 * When the time is up the connection is answered 408 by the exchange handler, via a user event, or simply
 * closed if nothing was sent at all.
 *
 * <p>The timer is lazy, as {@link IdleWatch} is: one task per connection that, when it fires
 * early (the head it was set for is long done), re-arms for the head being waited for now, instead of a
 * task scheduled and cancelled around every request of a keep-alive connection (a tenth of the block path's
 * CPU went to the scheduler's queue).
 */
final class HeaderReadTimeout extends ChannelInboundHandlerAdapter {
    /** Fired down the pipeline when a head took too long. */
    static final Signal EXPIRED = new Signal("HeaderReadTimeout.EXPIRED");

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean waitingForHead = true;
    /** The head being waited for is on the clock (its first byte came, or the connection opened). */
    private boolean clockRunning;
    /** A byte came since the last head was done. */
    private boolean sawBytes;
    /** {@code System.nanoTime()} at the first byte of the head now arriving; valid while {@link #sawBytes}. */
    private long firstByte;
    /** When the clock of the head being waited for started, on the event loop's ticker (a mock one in tests). */
    private long headStartTick;

    HeaderReadTimeout(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startClock();
        arm(timeoutNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waitingForHead && !sawBytes) {
            // one clock read per head, for both its timeout and its duration (the request's record): the
            // system ticker is System.nanoTime() less its start
            Ticker ticker = ctx.executor().ticker();
            long tick = ticker.nanoTime();
            firstByte = ticker == Ticker.systemTicker() ? tick + ticker.initialNanoTime() : System.nanoTime();
            if (!clockRunning) {
                headStartTick = tick;
                clockRunning = true;
                if (timer == null) {
                    arm(timeoutNanos);
                }
            }
        }
        sawBytes = true;
        ctx.fireChannelRead(msg);
    }

    private void startClock() {
        headStartTick = ctx.executor().ticker().nanoTime();
        clockRunning = true;
    }

    /**
     * {@code System.nanoTime()} when the head now being read began, as nginx's {@code $request_time} counts:
     * its first byte. Now, when no byte came since the last head was done: a head read together with the
     * one before it (pipelined) begins when the gateway turns to it.
     */
    long headStartedAt() {
        return sawBytes ? firstByte : System.nanoTime();
    }

    /** The exchange handler got a complete request head. */
    void headReceived() {
        waitingForHead = false;
        clockRunning = false;
    }

    /** The previous exchange is over; the next head's clock starts with its first byte. */
    void awaitNextHead() {
        waitingForHead = true;
        clockRunning = false;
        sawBytes = false;
    }

    private void arm(long delayNanos) {
        timer = ctx.executor().schedule(this::expire, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void expire() {
        timer = null;
        if (!waitingForHead || !clockRunning || !ctx.channel().isActive()) {
            return; // no head on the clock now: the next one's first byte arms again
        }
        long left = headStartTick + timeoutNanos - ctx.executor().ticker().nanoTime();
        if (left > 0) {
            arm(left); // set for an earlier head; this one has time left
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
