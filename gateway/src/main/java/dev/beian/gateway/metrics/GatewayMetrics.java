package dev.beian.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The request-path meters of SPEC §9, each resolved once at start so that counting a request is an array
 * index and an add, never a tag lookup. No label carries a host name: hosts are unbounded, and upstream
 * names come only from gateway.yaml.
 */
public final class GatewayMetrics {
    private final Counter[] requests = new Counter[Outcome.values().length];
    private final Timer[] durations = new Timer[Outcome.values().length];
    private final Map<String, EnumMap<UpstreamErrorKind, Counter>> upstreamErrors = new HashMap<>();

    public GatewayMetrics(MeterRegistry registry, Set<String> upstreams, Supplier<Number> activeConnections) {
        for (Outcome outcome : Outcome.values()) {
            requests[outcome.ordinal()] = Counter.builder("beian_requests")
                    .description("Requests by how they ended")
                    .tag("outcome", outcome.label())
                    .register(registry);
            durations[outcome.ordinal()] = Timer.builder("beian_request_duration")
                    .description("From the request head to the last byte of the answer")
                    .tag("outcome", outcome.label())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
        }
        for (String upstream : upstreams) {
            EnumMap<UpstreamErrorKind, Counter> byKind = new EnumMap<>(UpstreamErrorKind.class);
            for (UpstreamErrorKind kind : UpstreamErrorKind.values()) {
                byKind.put(kind, Counter.builder("beian_upstream_errors")
                        .description("Failed exchanges with an upstream")
                        .tag("upstream", upstream)
                        .tag("kind", kind.label())
                        .register(registry));
            }
            upstreamErrors.put(upstream, byKind);
        }
        Gauge.builder("beian_connections_active", activeConnections)
                .description("Open client connections")
                .register(registry);
    }

    /** One finished request. */
    public void request(Outcome outcome, long startNanos) {
        requests[outcome.ordinal()].increment();
        durations[outcome.ordinal()].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    public void upstreamError(String upstream, UpstreamErrorKind kind) {
        EnumMap<UpstreamErrorKind, Counter> byKind = upstreamErrors.get(upstream);
        if (byKind != null) {
            byKind.get(kind).increment();
        }
    }
}
