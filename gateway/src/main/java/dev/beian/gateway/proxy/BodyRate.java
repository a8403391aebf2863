package dev.beian.gateway.proxy;

/**
 * {@code limits.min-body-rate} (SPEC §4): a request body must arrive at an average of at least so many bytes
 * a second, counted after a grace of {@code timeouts.header} from its head. Without it a client that
 * trickles a byte now and then holds a connection, and an upstream connection, for as long as it likes
 * (slow POST); the idle timeout only catches one that stops altogether. Time in which the gateway itself
 * did not read the client (an upstream slower than the client) is not held against the client.
 */
final class BodyRate {
    private final long bytesPerSecond;
    private final long graceNanos;
    private final long startNanos;
    private final long pausedAtStart;

    /** {@code pausedAtStart}: the connection's paused-time total when the body began. */
    BodyRate(long bytesPerSecond, long graceNanos, long startNanos, long pausedAtStart) {
        this.bytesPerSecond = bytesPerSecond;
        this.graceNanos = graceNanos;
        this.startNanos = startNanos;
        this.pausedAtStart = pausedAtStart;
    }

    /** True when fewer than {@code bytes} arrived than the rate asks for by {@code now}. */
    boolean tooSlow(long now, long pausedNanos, long bytes) {
        long counted = now - startNanos - (pausedNanos - pausedAtStart) - graceNanos;
        if (counted <= 0) {
            return false;
        }
        return bytes < (double) bytesPerSecond * counted / 1e9;
    }
}
