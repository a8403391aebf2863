package dev.beian.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One connection to an upstream as an exchange holds it: bound to one listener at a time; given back to its
 * pool only after an exchange that ended cleanly on both sides ({@link #release}), else closed
 * ({@link #discard}), or handed to a tunnel ({@link #toTunnel}). The response timeout lives here, on the
 * channel it is about: from the last request byte written to the first byte of the answer (SPEC §7).
 */
final class UpstreamConnection {
    static final String ENCODER = "http-out";
    static final String DECODER = "http";
    static final String IDLE = "idle";

    private final Channel channel;
    private final InetSocketAddress address;
    private final UpstreamHandler handler;
    private final Consumer<UpstreamConnection> pool;
    private boolean reused;
    /** The one pending response-timer task of this connection, or null (see {@link #armResponseTimeout}). */
    private ScheduledFuture<?> responseTimer;
    /** When the answer is due, on the loop's ticker; {@link #NOT_WAITING} when no answer is awaited. */
    private long responseDeadline = NOT_WAITING;
    private static final long NOT_WAITING = Long.MIN_VALUE;

    /** {@code pool}: takes the connection back on {@link #release}. */
    UpstreamConnection(Channel channel, InetSocketAddress address, Consumer<UpstreamConnection> pool) {
        this.channel = channel;
        this.address = address;
        this.pool = pool;
        this.handler = new UpstreamHandler(this);
        channel.closeFuture().addListener(f -> stopResponseTimer()); // closed by the upstream, or idle in the pool
    }

    /** The last step of the connection's pipeline. */
    UpstreamHandler handler() {
        return handler;
    }

    Channel channel() {
        return channel;
    }

    InetSocketAddress address() {
        return address;
    }

    /** True when the connection came from the pool, having served an exchange before. */
    boolean reused() {
        return reused;
    }

    void reused(boolean reused) {
        this.reused = reused;
    }

    void bind(UpstreamListener listener) {
        handler.bind(listener);
    }

    ChannelFuture write(Object msg) {
        return channel.write(msg);
    }

    void flush() {
        channel.flush();
    }

    boolean isActive() {
        return channel.isActive();
    }

    /** Bytes queued for the upstream that its socket has not taken yet. */
    long pendingWriteBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * The answer is due within {@code nanos}. Lazy, like the client's header timer: a pooled connection
     * serves request after request, and a task scheduled and cancelled around each of them cost more than
     * the check; one pending task re-arms itself for whatever deadline stands when it fires.
     */
    void armResponseTimeout(long nanos) {
        responseDeadline = channel.eventLoop().ticker().nanoTime() + nanos;
        if (responseTimer == null) {
            schedule(nanos);
        }
    }

    private void schedule(long nanos) {
        responseTimer = channel.eventLoop().schedule(this::responseTimerFired, nanos, TimeUnit.NANOSECONDS);
    }

    private void responseTimerFired() {
        responseTimer = null;
        if (responseDeadline == NOT_WAITING || !channel.isActive()) {
            return;
        }
        long left = responseDeadline - channel.eventLoop().ticker().nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        responseDeadline = NOT_WAITING;
        handler.timedOut();
    }

    void cancelResponseTimeout() {
        responseDeadline = NOT_WAITING;
    }

    /** No answer will ever be awaited here again: the pending task goes too (a closed connection holds none). */
    private void stopResponseTimer() {
        responseDeadline = NOT_WAITING;
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** Back to the pool, for the next exchange: only after a complete request and response on both sides. */
    void release() {
        cancelResponseTimeout();
        handler.unbind();
        if (channel.isActive()) {
            pool.accept(this);
        }
    }

    /** Closed, never reused: the exchange failed or was abandoned halfway. */
    void discard() {
        stopResponseTimer();
        handler.unbind();
        channel.close();
    }

    /** After a 101: bytes from now on; the client's idle step judges the tunnel. */
    void toTunnel() {
        stopResponseTimer();
        ChannelPipeline p = channel.pipeline();
        for (String name : new String[] {DECODER, ENCODER, IDLE}) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }
}
