package dev.beian.gateway.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells the handlers after it that a connection saw no traffic for {@code timeouts.idle}, with Netty's
 * {@link IdleStateEvent}: no read, no write, and no progress of what waits in its write buffer (an upstream
 * or client that reads a large write slowly but steadily is not idle).
 *
 * <p>Why not Netty's {@code IdleStateHandler}: it reads the clock after every read and puts a listener on
 * every write's promise to read it again when the write completes. On the forward path that was four clock
 * reads and two promise listeners per request (client and upstream side), for a timeout of a minute. Here a
 * read or a write only sets a flag; a timer looks a quarter of the timeout apart, and the event fires at the
 * fourth quiet look in a row: between 1 and 1.25 timeouts after the last traffic.
 */
final class IdleWatch extends ChannelDuplexHandler {
    /** Quiet looks in a row that make a timeout. */
    static final int LOOKS = 4;

    private final long lookNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean removed;
    private boolean traffic;
    private int quietLooks;
    private Object pendingMessage;
    private long pendingProgress;
    private long pendingBytes;

    IdleWatch(long timeoutNanos) {
        this.lookNanos = Math.max(1, timeoutNanos / LOOKS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            watch(); // added after the connection opened (the HTTP/1.1 steps after ALPN)
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        watch();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        traffic = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        traffic = true;
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        stop();
    }

    private void watch() {
        if (timer == null && !removed) {
            timer = ctx.executor().schedule(this::look, lookNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void look() {
        timer = null;
        if (removed || !ctx.channel().isOpen()) {
            return;
        }
        if (traffic | outputMoved()) { // not ||: the write buffer's state is noted at every look
            traffic = false;
            quietLooks = 0;
        } else if (++quietLooks == LOOKS) {
            quietLooks = 0;
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
        watch();
    }

    /** True when the write buffer's state differs from the last look: bytes left it since. */
    private boolean outputMoved() {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer == null) {
            return false;
        }
        Object message = buffer.current();
        long progress = buffer.currentProgress();
        long bytes = buffer.totalPendingWriteBytes();
        boolean moved = message != pendingMessage || progress != pendingProgress || bytes != pendingBytes;
        pendingMessage = message;
        pendingProgress = progress;
        pendingBytes = bytes;
        return moved;
    }
}
