package dev.beian.gateway.metrics;

import dev.beian.decision.BlockReason;

/** How a request ended: the {@code outcome} label of {@code beian_requests_total} (SPEC §9). */
public enum Outcome {
    FORWARDED("forwarded"),
    UNFILED("unfiled"),
    NOT_ACCESSED("not_accessed"),
    CANCELLED("cancelled"),
    BAD_REQUEST("bad_request"),
    UPSTREAM_ERROR("upstream_error"),
    UPSTREAM_TIMEOUT("upstream_timeout");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Outcome of(BlockReason reason) {
        return switch (reason) {
            case UNFILED -> UNFILED;
            case NOT_ACCESSED -> NOT_ACCESSED;
            case CANCELLED -> CANCELLED;
        };
    }
}
