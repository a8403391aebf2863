package dev.beian.gateway.metrics;

import io.micrometer.core.instrument.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The clock of the gateway's meters. A timer reads the wall clock twice at every record, only to see whether
 * its max's window and its histogram's must rotate (every 40 s at the soonest): on the block path those two
 * reads were 2 % of the user time. A wall time up to {@link #STEP_MILLIS} old serves that as well; it is read
 * by a thread of its own, one for the process (a daemon). Monotonic time, which meters use to measure, stays
 * the system's.
 */
public final class CoarseClock implements Clock {
    static final long STEP_MILLIS = 50;
    /** The process's one: the gateways of one process (tests start many) share its thread. */
    public static final CoarseClock INSTANCE = new CoarseClock();

    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "meter-clock");
        t.setDaemon(true);
        return t;
    });
    private volatile long wall = System.currentTimeMillis();

    private CoarseClock() {
        refresher.scheduleAtFixedRate(() -> wall = System.currentTimeMillis(), STEP_MILLIS, STEP_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public long wallTime() {
        return wall;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }
}
