package dev.beian.bench;

import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

/**
 * Retained heap of a loaded registry: heap in use after full GCs, with and without the registry held.
 * Run with a fixed heap and a stop-the-world collector so "used after GC" is the live set.
 */
public final class RegistryFootprint {
    private RegistryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int domains = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path file = Files.createTempFile("registry-footprint", ".yaml");
        RegistryGenerator.write(file, domains);
        RegistryLoader loader = new RegistryLoader(Set.of("default"), Clock.systemUTC());
        loader.load(file); // warm up class loading and the PSL, then drop it
        long before = liveHeap();
        long start = System.nanoTime();
        Registry registry = loader.load(file);
        long loadMillis = (System.nanoTime() - start) / 1_000_000;
        long after = liveHeap();
        System.out.printf("registry: %,d subjects, %,d websites, %,d domains; file %,d bytes%n",
                registry.subjectCount(), registry.websiteCount(), registry.domainCount(), Files.size(file));
        System.out.printf("load+validate+index: %,d ms (single cold-ish run; see RegistryLoadBenchmark)%n", loadMillis);
        System.out.printf("retained heap of the registry: %.1f MB%n", (after - before) / 1e6);
        System.out.println(registry.version().isEmpty() ? "" : "version " + registry.version());
        Files.delete(file);
    }

    private static long liveHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
