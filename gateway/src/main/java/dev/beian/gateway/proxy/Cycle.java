package dev.beian.gateway.proxy;

import io.netty.handler.codec.http.HttpContent;

/**
 * The request a client connection is serving, from its head until it is done: a forwarded exchange
 * ({@link UpstreamExchange}) or the dropping of a body nobody reads ({@link DiscardBody}). The
 * {@link RequestReceiver} passes it what arrives and what happens to the client; it tells the receiver
 * when it is done.
 */
interface Cycle {
    /** More of the request's body; the cycle owns it now. */
    void content(HttpContent content);

    /** True while the request's body is still arriving. */
    boolean wantsContent();

    /** The request's body turned out malformed. */
    void violation(FramingViolation violation);

    /** The end of a read batch from the client. */
    default void readComplete() {
    }

    /** The client connection saw no traffic for {@code timeouts.idle}. */
    void clientIdle();

    /** The client connection closed. */
    void clientGone();
}
