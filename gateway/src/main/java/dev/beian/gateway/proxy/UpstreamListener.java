package dev.beian.gateway.proxy;

/** What an upstream channel tells the exchange it currently serves. */
interface UpstreamListener {
    void upstreamRead(Object msg);

    void upstreamWritabilityChanged(boolean writable);

    void upstreamClosed();

    /** No traffic on the upstream connection for {@code timeouts.idle}. */
    void upstreamIdle();

    void upstreamFailed(Throwable cause);
}
