package dev.beian.gateway.metrics;

import java.util.Locale;

/** The {@code kind} label of {@code beian_upstream_errors_total}. */
public enum UpstreamErrorKind {
    /** Refused or unreachable. */
    CONNECT,
    /** No response head in time. */
    TIMEOUT,
    /** Closed or reset before a complete answer. */
    RESET;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
