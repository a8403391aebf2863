package dev.beian.gateway.metrics;

import dev.beian.decision.BlockReason;

/** How a request ended: the {@code outcome} label of {@code beian_requests_total} (SPEC §9). */
public enum Outcome {
    FORWARDED("forwarded"),
    UNFILED("unfiled"),
    NOT_ACCESSED("not_accessed"),
    CANCELLED("cancelled"),
    BAD_REQUEST("bad_request"),
    /** 421: the Host differs from the TLS connection's SNI. */
    MISDIRECTED("misdirected"),
    /** The client went away before its answer was complete; logged with status 499. */
    CLIENT_ABORT("client_abort"),
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
