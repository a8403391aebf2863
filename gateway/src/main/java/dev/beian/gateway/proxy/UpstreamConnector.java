package dev.beian.gateway.proxy;

import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;

/** Where an exchange gets its upstream connections: this event loop's {@link UpstreamPool} (tests give others). */
interface UpstreamConnector {
    /** An idle pooled connection to {@code address} ({@link UpstreamConnection#reused()}), or a new one. */
    Future<UpstreamConnection> acquire(InetSocketAddress address);

    /** A new connection to {@code address}, never a pooled one. */
    Future<UpstreamConnection> connect(InetSocketAddress address);
}
