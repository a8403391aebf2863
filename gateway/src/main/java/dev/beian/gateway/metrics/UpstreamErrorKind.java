package dev.beian.gateway.metrics;

/** The {@code kind} label of {@code beian_upstream_errors_total}. */
public enum UpstreamErrorKind {
    /** Refused or unreachable. */
    CONNECT("connect"),
    /** No response head in time. */
    TIMEOUT("timeout"),
    /** Closed or reset before a complete answer. */
    RESET("reset");

    private final String label;

    UpstreamErrorKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
