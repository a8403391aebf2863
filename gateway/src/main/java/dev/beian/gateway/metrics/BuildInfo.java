package dev.beian.gateway.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;

/** The gateway's version: in the jar's manifest, on {@code --version}, and as {@code beian_build_info} (SPEC §9). */
public final class BuildInfo {
    private BuildInfo() {
    }

    /** The version the jar's manifest names; {@code dev} when run from classes. */
    public static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * {@code beian_build_info{version="…"} 1}, registered as the Prometheus client's own info metric: Micrometer
     * strips an {@code _info} suffix from the gauges it names.
     */
    public static void bind(PrometheusMeterRegistry registry) {
        Info.builder().name("beian_build_info").help("The running version").labelNames("version")
                .register(registry.getPrometheusRegistry())
                .addLabelValues(version());
    }
}
