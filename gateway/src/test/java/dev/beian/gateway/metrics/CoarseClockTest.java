package dev.beian.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The meters' wall clock: never ahead of the system's, a step or so behind, and moving. */
class CoarseClockTest {
    @Test
    void theWallTimeFollowsTheSystemsWithinAStep() throws InterruptedException {
        CoarseClock clock = CoarseClock.INSTANCE;
        long first = clock.wallTime();
        for (int i = 0; i < 10; i++) {
            long before = System.currentTimeMillis();
            long wall = clock.wallTime();
            long after = System.currentTimeMillis();
            assertTrue(wall <= after, "never ahead of the system's clock");
            // a step, and a generous margin for a busy machine's scheduling
            assertTrue(before - wall <= CoarseClock.STEP_MILLIS + 1000, "at most a step or so behind: " + (before - wall));
            Thread.sleep(CoarseClock.STEP_MILLIS);
        }
        assertTrue(clock.wallTime() > first, "it moves");
        long monotonic = clock.monotonicTime();
        assertTrue(System.nanoTime() - monotonic >= 0, "monotonic time is the system's");
    }
}
