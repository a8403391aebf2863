package dev.beian.decision;

import dev.beian.registry.Website;
import java.time.Instant;

/**
 * The answer for one host under one registry: forward to an upstream, block with a reason, or refuse
 * the host as invalid (a 400). Immutable; cached per raw host value.
 */
public final class Decision {
    /** What to do with the request. */
    public enum Verdict { FORWARD, BLOCK, INVALID_HOST }

    private final Verdict verdict;
    private final BlockReason reason;
    private final String normalizedHost;
    private final String matchedDomain;
    private final Website website;
    private final String upstream;
    private final String problem;
    private final long validUntilMillis;

    private Decision(Verdict verdict, BlockReason reason, String normalizedHost, String matchedDomain,
                     Website website, String upstream, String problem, long validUntilMillis) {
        this.verdict = verdict;
        this.reason = reason;
        this.normalizedHost = normalizedHost;
        this.matchedDomain = matchedDomain;
        this.website = website;
        this.upstream = upstream;
        this.problem = problem;
        this.validUntilMillis = validUntilMillis;
    }

    static Decision forward(String host, String matchedDomain, Website website, String upstream,
                            long validUntilMillis) {
        return new Decision(Verdict.FORWARD, null, host, matchedDomain, website, upstream, null, validUntilMillis);
    }

    static Decision block(BlockReason reason, String host, String matchedDomain, Website website) {
        return new Decision(Verdict.BLOCK, reason, host, matchedDomain, website, null, null, Long.MAX_VALUE);
    }

    static Decision invalid(String problem) {
        return new Decision(Verdict.INVALID_HOST, null, null, null, null, null, problem, Long.MAX_VALUE);
    }

    public Verdict verdict() {
        return verdict;
    }

    public boolean isForward() {
        return verdict == Verdict.FORWARD;
    }

    /** Why blocked; null unless {@link Verdict#BLOCK}. */
    public BlockReason reason() {
        return reason;
    }

    /** The normalised host; null for an invalid host. */
    public String normalizedHost() {
        return normalizedHost;
    }

    /** The registry domain that decided; null when none did (unfiled, IP literal, invalid). */
    public String matchedDomain() {
        return matchedDomain;
    }

    /** The matched website; null when none matched. */
    public Website website() {
        return website;
    }

    /** The upstream name to forward to; null unless forwarded. */
    public String upstream() {
        return upstream;
    }

    /** Why the host is invalid; null unless {@link Verdict#INVALID_HOST}. */
    public String problem() {
        return problem;
    }

    /** When this decision stops being true (provisional access ending), or null if it does not. */
    public Instant validUntil() {
        return validUntilMillis == Long.MAX_VALUE ? null : Instant.ofEpochMilli(validUntilMillis);
    }

    boolean isStaleAt(long nowMillis) {
        return nowMillis >= validUntilMillis;
    }

    long validUntilMillis() {
        return validUntilMillis;
    }

    @Override
    public String toString() {
        return switch (verdict) {
            case FORWARD -> "forward " + normalizedHost + " via " + matchedDomain + " to " + upstream;
            case BLOCK -> "block " + normalizedHost + " (" + reason.label() + ")";
            case INVALID_HOST -> "invalid host (" + problem + ")";
        };
    }
}
