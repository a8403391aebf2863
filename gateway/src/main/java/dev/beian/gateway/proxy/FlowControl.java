package dev.beian.gateway.proxy;

import io.netty.channel.Channel;

/**
 * The only code that turns reading on or off ({@code autoRead}) on either side of a client connection's
 * exchanges. It acts when a write buffer crosses its water mark ({@link ProxyContext#WATER_MARK}) or a
 * reason to hold the client begins or ends, never per request: the steady keep-alive path leaves both
 * channels reading and costs no {@code epoll_ctl}. Reasons to hold the client are bits, so one reason ending
 * never resumes a client that another still holds. Time the client was held is not held against its body
 * rate ({@link BodyRate}).
 */
final class FlowControl {
    /** The upstream's write buffer is over its high water mark: it reads the body slower than the client sends. */
    static final int UPSTREAM_FULL = 1;
    /** A pipelined request waits while the one before it is answered. */
    static final int QUEUED = 2;
    /** The body being held while the upstream connection is made outgrew the high water mark. */
    static final int CONNECTING = 4;

    private final Channel client;
    private Channel upstream;
    private int holds;
    private long heldSince;
    private long heldNanos;

    FlowControl(Channel client) {
        this.client = client;
    }

    /** An upstream connection now serves the client: each side is read only while the other can take more. */
    void bind(Channel upstream) {
        this.upstream = upstream;
        if (!client.isWritable()) {
            upstream.config().setAutoRead(false);
        }
        if (!upstream.isWritable()) {
            hold(UPSTREAM_FULL);
        }
    }

    /** The upstream connection leaves (to its pool, or closed): it reads again, and the exchange holds nothing. */
    void unbind() {
        if (upstream != null) {
            upstream.config().setAutoRead(true);
            upstream = null;
        }
        release(UPSTREAM_FULL | CONNECTING);
    }

    void hold(int reason) {
        if (holds == 0) {
            heldSince = now();
            client.config().setAutoRead(false);
        }
        holds |= reason;
    }

    void release(int reason) {
        if ((holds & reason) == 0) {
            return;
        }
        holds &= ~reason;
        if (holds == 0) {
            heldNanos += now() - heldSince;
            if (client.isActive()) {
                client.config().setAutoRead(true); // reads at once: setAutoRead(true) asks for a read
            }
        }
    }

    boolean isHeld() {
        return holds != 0;
    }

    /** The client's write buffer crossed a water mark: the upstream is read only while the client takes more. */
    void clientWritabilityChanged() {
        if (upstream != null) {
            upstream.config().setAutoRead(client.isWritable());
        }
    }

    /** The upstream's write buffer crossed a water mark: the client is read only while the upstream takes more. */
    void upstreamWritabilityChanged() {
        if (upstream == null || upstream.isWritable()) {
            release(UPSTREAM_FULL);
        } else {
            hold(UPSTREAM_FULL);
        }
    }

    /** All the time the client was held on this connection, up to now. */
    long heldNanos() {
        return heldNanos + (holds == 0 ? 0 : now() - heldSince);
    }

    private long now() {
        return client.eventLoop().ticker().nanoTime();
    }
}
