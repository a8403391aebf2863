package dev.beian.gateway.metrics;

import dev.beian.decision.BlockReason;
import java.util.Locale;

/** How a request ended: the {@code outcome} label of {@code beian_requests_total} (SPEC §9). */
public enum Outcome {
    FORWARDED,
    UNFILED,
    NOT_ACCESSED,
    CANCELLED,
    BAD_REQUEST,
    /** 421: the Host differs from the TLS connection's SNI. */
    MISDIRECTED,
    /** The client went away before its answer was complete; logged with status 499. */
    CLIENT_ABORT,
    UPSTREAM_ERROR,
    UPSTREAM_TIMEOUT;

    /** The label is the name in lower case, as SPEC §9 spells it. */
    private final String label = name().toLowerCase(Locale.ROOT);

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
