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
    /**
     * SPEC §9: at most 16 fixed buckets from 1 ms to 30 s, the same on every replica so that they add up
     * across a fleet (a percentile histogram would publish some 70 per outcome).
     */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30),
    };

    /** The {@code protocol} label: which HTTP the client spoke. */
    public enum Protocol {
        HTTP1("http1"), H2("h2");

        private final String label;

        Protocol(String label) {
            this.label = label;
        }
    }

    /** The {@code result} label of {@code beian_tls_handshakes_total}. */
    public enum TlsResult {
        OK, REFUSED_SNI, NO_SNI, FAILED;

        private final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private final Counter[] tlsHandshakes = new Counter[TlsResult.values().length];
    private final Counter[][] requests = new Counter[Protocol.values().length][Outcome.values().length];
    private final Timer[] durations = new Timer[Outcome.values().length];
    private final Map<String, EnumMap<UpstreamErrorKind, Counter>> upstreamErrors = new HashMap<>();

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry, Set<String> upstreams) {
        this.registry = registry;
        for (Outcome outcome : Outcome.values()) {
            for (Protocol protocol : Protocol.values()) {
                requests[protocol.ordinal()][outcome.ordinal()] = Counter.builder("beian_requests")
                        .description("Requests by how they ended")
                        .tag("outcome", outcome.label())
                        .tag("protocol", protocol.label)
                        .register(registry);
            }
            durations[outcome.ordinal()] = Timer.builder("beian_request_duration")
                    .description("From the request head to the last byte of the answer")
                    .tag("outcome", outcome.label())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
        }
        for (TlsResult result : TlsResult.values()) {
            tlsHandshakes[result.ordinal()] = Counter.builder("beian_tls_handshakes")
                    .description("TLS handshakes by how they ended")
                    .tag("result", result.label)
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
    }

    /** {@code beian_connections_active}, read from the client listener's count. */
    public void bindActiveConnections(Supplier<Number> activeConnections) {
        Gauge.builder("beian_connections_active", activeConnections)
                .description("Open client connections")
                .register(registry);
    }

    /** One finished request, {@code elapsedNanos} after its head began. */
    public void request(Protocol protocol, Outcome outcome, long elapsedNanos) {
        requests[protocol.ordinal()][outcome.ordinal()].increment();
        durations[outcome.ordinal()].record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    public void tlsHandshake(TlsResult result) {
        tlsHandshakes[result.ordinal()].increment();
    }

    public void upstreamError(String upstream, UpstreamErrorKind kind) {
        EnumMap<UpstreamErrorKind, Counter> byKind = upstreamErrors.get(upstream);
        if (byKind != null) {
            byKind.get(kind).increment();
        }
    }
}
