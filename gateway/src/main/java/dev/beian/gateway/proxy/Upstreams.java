package dev.beian.gateway.proxy;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The upstreams of gateway.yaml: name → addresses, used round-robin. Addresses were resolved at load. */
public final class Upstreams {
    private final Map<String, Upstream> byName = new HashMap<>();

    public Upstreams(Map<String, List<InetSocketAddress>> config) {
        config.forEach((name, addresses) -> byName.put(name, new Upstream(name, addresses.toArray(new InetSocketAddress[0]))));
    }

    /** The upstream of that name, or null. */
    Upstream get(String name) {
        return byName.get(name);
    }

    /** One named upstream. */
    static final class Upstream {
        final String name;
        private final InetSocketAddress[] addresses;
        private final AtomicInteger next = new AtomicInteger();

        Upstream(String name, InetSocketAddress[] addresses) {
            this.name = name;
            this.addresses = addresses;
        }

        InetSocketAddress pick() {
            if (addresses.length == 1) {
                return addresses[0];
            }
            return addresses[Math.floorMod(next.getAndIncrement(), addresses.length)];
        }
    }
}
