package dev.beian.gateway.config;

import java.net.InetSocketAddress;

/** A {@code host:port} from the config, as written; resolved once at load, off the event loops. */
public record HostPort(String host, int port) {
    public InetSocketAddress resolve() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
