package dev.beian.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.beian.registry.Registry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the heap back after a large registry parse. {@code java -jar} with no flags on a 24 GB machine gives
 * G1 a 6 GB ceiling and the habit of keeping what it grew to; a full parse of a million-domain registry
 * makes some 2 GB of short-lived garbage in seconds (SnakeYAML), and the process used to stay at 1.7 GB
 * resident, 5 GB after a few reloads. The JVM's defaults are the product's: operators should not need to
 * remember a flag. So: heap free-ratio limits that let a collection shrink the heap to its live set plus a
 * margin, a periodic concurrent collection when the process has gone quiet (each only where the operator
 * set nothing), and one full collection after each load of a large registry (more than
 * {@link #LARGE_REGISTRY} domains, or {@link #LARGE_PARSE} bytes of YAML parsed): at start before the
 * gateway is ready, and on the reload thread after a swap. That is a pause of about 0.1 s per reload of a
 * million-domain registry; it delays the requests in flight by that much and costs none.
 */
final class ProcessMemory {
    private static final Logger log = LoggerFactory.getLogger(ProcessMemory.class);
    static final long LARGE_PARSE = 8L << 20;
    /** A registry this large allocates some 200 MB per reload even when little of it changed. */
    static final int LARGE_REGISTRY = 100_000;

    private ProcessMemory() {
    }

    /** Sets the free-ratio limits the operator left at their defaults (40/70 %: a heap that never shrinks much). */
    static void install() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            // Min first: Max may never fall below it
            setIfDefault(hotspot, "MinHeapFreeRatio", "10");
            setIfDefault(hotspot, "MaxHeapFreeRatio", "30");
            // a gateway gone quiet after a reload or a burst (no collection for this long) collects
            // concurrently and returns what it no longer needs, instead of holding it until the next burst
            setIfDefault(hotspot, "G1PeriodicGCInterval", "15000");
        } catch (RuntimeException e) {
            log.debug("heap free ratios left as they are: {}", e.toString());
        }
    }

    private static void setIfDefault(HotSpotDiagnosticMXBean hotspot, String name, String value) {
        VMOption option = hotspot.getVMOption(name);
        if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
            hotspot.setVMOption(name, value);
        }
    }

    /** One full collection if {@code registry} took a large parse to make, or is large. */
    static void afterLoad(Registry registry) {
        if (registry.parsedBytes() < LARGE_PARSE && registry.domainCount() < LARGE_REGISTRY) {
            return;
        }
        long start = System.nanoTime();
        MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.gc();
        MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        log.info("heap returned after loading {} domains ({} MB of YAML parsed): committed {} MB -> {} MB "
                + "({} MB in use), {} ms", registry.domainCount(), registry.parsedBytes() >> 20,
                before.getCommitted() >> 20, after.getCommitted() >> 20, after.getUsed() >> 20,
                (System.nanoTime() - start) / 1_000_000);
    }
}
