package dev.beian.gateway.proxy;

import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * {@code limits.min-body-rate} (SPEC §4): a request body must arrive at an average of at least so many bytes
 * a second, counted after a grace of {@code timeouts.header} from its head. Without it a client that
 * trickles a byte now and then holds a connection, and an upstream connection, for as long as it likes
 * (slow POST); the idle timeout only catches one that stops altogether. Time in which the gateway itself
 * did not read the client ({@link FlowControl}) is not held against the client. Checked once a second.
 */
final class BodyRate {
    private final long bytesPerSecond;
    private final long graceNanos;
    private final long startNanos;
    private final long heldAtStart;
    private ScheduledFuture<?> timer;

    /** {@code heldAtStart}: the connection's held-time total when the body began. */
    BodyRate(long bytesPerSecond, long graceNanos, long startNanos, long heldAtStart) {
        this.bytesPerSecond = bytesPerSecond;
        this.graceNanos = graceNanos;
        this.startNanos = startNanos;
        this.heldAtStart = heldAtStart;
    }

    /**
     * Watches a body on {@code receiver}'s connection while {@code arriving} says it still does; {@code tooSlow}
     * runs once if it falls behind.
     */
    static BodyRate watch(RequestReceiver receiver, long bytesPerSecond, long graceNanos, LongSupplier bytes,
                          BooleanSupplier arriving, Runnable tooSlow) {
        FlowControl flow = receiver.flow;
        var loop = receiver.ctx.executor();
        BodyRate rate = new BodyRate(bytesPerSecond, graceNanos, loop.ticker().nanoTime(), flow.heldNanos());
        rate.schedule(receiver, bytes, arriving, tooSlow);
        return rate;
    }

    private void schedule(RequestReceiver receiver, LongSupplier bytes, BooleanSupplier arriving, Runnable tooSlow) {
        var loop = receiver.ctx.executor();
        timer = loop.schedule(() -> {
            timer = null;
            if (!arriving.getAsBoolean()) {
                return;
            }
            if (tooSlow(loop.ticker().nanoTime(), receiver.flow.heldNanos(), bytes.getAsLong())) {
                tooSlow.run();
            } else {
                schedule(receiver, bytes, arriving, tooSlow);
            }
        }, 1, TimeUnit.SECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** True when fewer than {@code bytes} arrived than the rate asks for by {@code now}. */
    boolean tooSlow(long now, long heldNanos, long bytes) {
        long counted = now - startNanos - (heldNanos - heldAtStart) - graceNanos;
        if (counted <= 0) {
            return false;
        }
        return bytes < (double) bytesPerSecond * counted / 1e9;
    }
}
