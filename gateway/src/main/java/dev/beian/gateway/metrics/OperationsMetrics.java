package dev.beian.gateway.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import dev.beian.decision.Decider;
import dev.beian.reload.RegistryHolder;
import dev.beian.reload.ReloadResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry, cache, JVM, process and Netty allocator meters of SPEC §9, bound once at start. Reload
 * outcomes are counted from the holder's listener; the registry sizes are read from the registry in
 * service whenever Prometheus scrapes.
 */
public final class OperationsMetrics {
    private OperationsMetrics() {
    }

    /**
     * The meters that need no registry: the decision cache, the JVM, the process, Netty's allocator. Bound while
     * the first registry still loads (these binders cost some 0.2 s of class loading at start).
     */
    public static void bindProcess(MeterRegistry meters, Decider decider) {
        meters.config().meterFilter(STEADY_NAMES);
        @SuppressWarnings("unchecked")
        Cache<Object, Object> cache = (Cache<Object, Object>) (Cache<?, ?>) decider.cache();
        CaffeineCacheMetrics.monitor(meters, cache, Decider.CACHE_NAME);

        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        bindProcessCpuAndMemory(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(meters);
        }
    }

    /**
     * What {@code promtool check metrics} and SPEC §9 ask of the bindings' meters: the Netty allocator's
     * {@code id} tag (an identity hash code, new at every start) dropped and a help text given;
     * {@code process_cpu_time_ns_total} ("abbreviated units") replaced by the customary
     * {@code process_cpu_seconds_total}; {@code system_cpu_count} ("_count" on a gauge) left out.
     */
    static final MeterFilter STEADY_NAMES = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            return id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")
                    ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            if (!id.getName().startsWith("netty.allocator")) {
                return id;
            }
            List<Tag> tags = id.getTags().stream().filter(tag -> !tag.getKey().equals("id")).toList();
            String description = id.getDescription() != null && !id.getDescription().isBlank() ? id.getDescription()
                    : "Netty's buffer allocator: memory held, by allocator and memory type";
            return new Meter.Id(id.getName(), Tags.of(tags), id.getBaseUnit(), description, id.getType());
        }
    };

    /** {@code process_cpu_seconds_total} and {@code process_resident_memory_bytes} (Linux), as operators know them. */
    private static void bindProcessCpuAndMemory(MeterRegistry meters) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by the process").register(meters);
        }
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            // procfs is memory, not disk; read at scrape time on the admin listener's own thread
            Gauge.builder("process.resident.memory", status, OperationsMetrics::residentBytes).baseUnit("bytes")
                    .strongReference(true) // a gauge holds its object weakly: this Path has no other owner
                    .description("Resident set size of the process (VmRSS)").register(meters);
        }
    }

    static double residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // reported as NaN, as Prometheus expects of a value it cannot have
        }
        return Double.NaN;
    }

    /** The registry's meters: sizes read from the registry in service at each scrape, reloads counted. */
    public static void bindRegistry(MeterRegistry meters, RegistryHolder holder) {
        Gauge.builder("beian_registry_subjects", holder, h -> h.current().subjectCount())
                .description("Subjects in the registry in service").register(meters);
        Gauge.builder("beian_registry_websites", holder, h -> h.current().websiteCount())
                .description("Websites in the registry in service").register(meters);
        Gauge.builder("beian_registry_domains", holder, h -> h.current().domainCount())
                .description("Domains in the registry in service").register(meters);
        Counter success = Counter.builder("beian_registry_reloads").tag("result", "success")
                .description("Registry reloads by result").register(meters);
        Counter failure = Counter.builder("beian_registry_reloads").tag("result", "failure")
                .description("Registry reloads by result").register(meters);
        AtomicLong lastSuccess = new AtomicLong(holder.current().loadedAt().getEpochSecond());
        Gauge.builder("beian_registry_last_success_timestamp_seconds", lastSuccess, AtomicLong::doubleValue)
                .description("When a registry was last loaded successfully").register(meters);
        AtomicLong rejected = new AtomicLong();
        Gauge.builder("beian_registry_rejected", rejected, AtomicLong::doubleValue)
                .description("1 while the newest registry file seen was rejected and an older one serves, else 0")
                .register(meters);
        holder.addListener((ReloadResult result) -> {
            if (result.rejected()) {
                rejected.set(1);
            } else if (result.success()) {
                rejected.set(0); // a valid file, or the one in service seen again
            }
            if (!result.success()) {
                failure.increment();
            } else if (result.changed()) {
                success.increment();
                lastSuccess.set(result.registry().loadedAt().getEpochSecond());
            }
        });
    }
}
