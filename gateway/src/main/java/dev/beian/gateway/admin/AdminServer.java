package dev.beian.gateway.admin;

import dev.beian.gateway.net.HttpListener;
import dev.beian.gateway.net.Transport;
import java.net.InetSocketAddress;

/** The admin listener of SPEC §8 on {@code admin.listen}, on an event loop of its own. */
public final class AdminServer {
    private AdminServer() {
    }

    public static HttpListener start(InetSocketAddress address, Transport transport, AdminEndpoints endpoints)
            throws InterruptedException {
        return HttpListener.start("admin", address, transport, 64 * 1024, () -> new AdminHandler(endpoints));
    }
}
