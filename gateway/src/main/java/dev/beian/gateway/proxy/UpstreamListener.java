package dev.beian.gateway.proxy;

/** What an upstream connection tells the exchange or tunnel it currently serves. */
interface UpstreamListener {
    void upstreamRead(Object msg);

    void upstreamWritabilityChanged();

    void upstreamClosed();

    void upstreamFailed(Throwable cause);

    /** No traffic on the connection for {@code timeouts.idle}. */
    void upstreamIdle();

    /** No response head within {@code timeouts.response} of the last request byte written. */
    default void upstreamTimedOut() {
    }
}
