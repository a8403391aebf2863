package dev.beian.reload;

import java.lang.management.ManagementFactory;

/** Bytes the current thread has allocated so far (HotSpot's counter), for the cost of a reload in the log; 0 where unsupported. */
final class Allocation {
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Allocation() {
    }

    static long ofThisThread() {
        if (THREADS instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()) {
            return hotspot.getCurrentThreadAllocatedBytes();
        }
        return 0;
    }
}
