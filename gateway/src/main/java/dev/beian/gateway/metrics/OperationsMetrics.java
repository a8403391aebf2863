package dev.beian.gateway.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import dev.beian.decision.Decider;
import dev.beian.reload.RegistryHolder;
import dev.beian.reload.ReloadResult;
import io.micrometer.core.instrument.Counter;
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
        @SuppressWarnings("unchecked")
        Cache<Object, Object> cache = (Cache<Object, Object>) (Cache<?, ?>) decider.cache();
        CaffeineCacheMetrics.monitor(meters, cache, Decider.CACHE_NAME);

        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(meters);
        }
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
