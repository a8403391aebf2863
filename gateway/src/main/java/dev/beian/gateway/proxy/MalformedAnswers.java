package dev.beian.gateway.proxy;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator why an upstream's answer became a 502: the access line says {@code upstream_error}, this
 * line says what the app sent wrong (as nginx's {@code upstream sent invalid header}). At most one line a
 * second for the whole process: a broken app answering every request must not flood the log, whose queue an
 * event loop would otherwise wait on.
 */
final class MalformedAnswers {
    private static final Logger log = LoggerFactory.getLogger(MalformedAnswers.class);
    private static final long EVERY = TimeUnit.SECONDS.toNanos(1);
    private static final AtomicLong next = new AtomicLong(System.nanoTime());
    private static final AtomicLong suppressed = new AtomicLong();

    private MalformedAnswers() {
    }

    static void report(InetSocketAddress upstream, String why) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due < 0 || !next.compareAndSet(due, now + EVERY)) {
            suppressed.incrementAndGet();
            return;
        }
        long more = suppressed.getAndSet(0);
        log.warn("upstream {} sent a malformed answer ({}); the connection is closed and the client answered 502"
                + " or cut off{}", upstream, why, more == 0 ? "" : " (" + more + " more since the last such line)");
    }
}
