package dev.beian.bench;

import dev.beian.decision.Decider;
import dev.beian.decision.Decision;
import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision against a registry of a million domains: from the cache (the steady state of an edge),
 * and without it (normalise, walk the host's parents through the index, build the decision).
 * Hosts: 70% subdomains of filed domains ({@code www.s123w1-site.cn}), 30% unfiled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class DecisionBenchmark {
    private static final int HOSTS = 4096;

    Registry registry;
    Decider decider;
    String[] hosts;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path file = Files.createTempFile("registry-bench", ".yaml");
        RegistryGenerator.write(file, 1_000_000);
        registry = new RegistryLoader(Set.of("default"), Clock.systemUTC()).load(file);
        Files.delete(file);
        decider = new Decider(Clock.systemUTC(), 100_000, true);
        Random random = new Random(1);
        hosts = new String[HOSTS];
        for (int i = 0; i < HOSTS; i++) {
            int s = random.nextInt(250_000);
            hosts[i] = random.nextInt(10) < 7
                    ? "www." + RegistryGenerator.domain(s, 1 + random.nextInt(2), random.nextInt(2))
                    : "www.unfiled-" + s + ".example.org";
        }
        for (String host : hosts) {
            decider.decide(registry, host);
        }
    }

    @Benchmark
    public Decision cached() {
        String host = hosts[next++ & (HOSTS - 1)];
        return decider.decide(registry, host);
    }

    @Benchmark
    public Decision uncached() {
        String host = hosts[next++ & (HOSTS - 1)];
        return decider.decideUncached(registry, host, 0L);
    }
}
