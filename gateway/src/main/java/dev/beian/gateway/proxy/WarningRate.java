package dev.beian.gateway.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one warning a second from one kind of trouble, for the whole process, with a count of the ones left
 * out: what a client or an app can cause at will must not flood the log, whose queue an event loop would
 * otherwise wait on.
 */
final class WarningRate {
    private static final long EVERY = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    /** Null if this warning is left out; else what to append to it: how many were left out since the last. */
    String admit() {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + EVERY)) {
            suppressed.incrementAndGet();
            return null;
        }
        long more = suppressed.getAndSet(0);
        return more == 0 ? "" : " (" + more + " more since the last such line)";
    }
}
