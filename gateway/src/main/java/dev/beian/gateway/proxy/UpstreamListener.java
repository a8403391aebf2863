package dev.beian.gateway.proxy;

/** What an upstream channel tells the exchange it currently serves. */
interface UpstreamListener {
    void upstreamRead(Object msg);

    void upstreamWritabilityChanged(boolean writable);

    void upstreamClosed();

    void upstreamFailed(Throwable cause);
}
