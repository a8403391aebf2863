package dev.beian.bench;

import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Reading, validating and indexing a registry file of a million domains, from disk, whole. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:+UseParallelGC"})
public class RegistryLoadBenchmark {
    @Param({"1000000"})
    int domains;

    Path file;
    RegistryLoader loader;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        file = Files.createTempFile("registry-bench", ".yaml");
        RegistryGenerator.write(file, domains);
        loader = new RegistryLoader(Set.of("default"), Clock.systemUTC());
    }

    @Benchmark
    public Registry loadValidateIndex() throws Exception {
        Registry r = loader.load(file);
        if (r.domainCount() != domains) {
            throw new IllegalStateException("expected " + domains + " domains, got " + r.domainCount());
        }
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Files.deleteIfExists(file);
    }
}
