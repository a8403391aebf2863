package dev.beian.gateway.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * gateway.yaml (SPEC §4), validated, with defaults applied, relative paths resolved against the config's
 * folder and upstream addresses resolved.
 */
public record GatewayConfig(
        Path file,
        InetSocketAddress listenHttp,
        boolean proxyProtocol,
        int threads,
        InetSocketAddress adminListen,
        String adminToken,
        Path registryPath,
        boolean registryWatch,
        long cacheMaximumSize,
        Map<String, List<InetSocketAddress>> upstreams,
        BlockMode blockMode,
        int blockStatus,
        String redirectUrl,
        Path blockPage,
        boolean ipHostsForward,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        Duration headerTimeout,
        Duration drainTimeout,
        int maxHeaderSize,
        int maxConnections) {

    /** How a blocked request is answered. */
    public enum BlockMode { PAGE, REDIRECT }

    /** Longest request line accepted (SPEC §7: over it, 414). */
    public static final int MAX_REQUEST_LINE = 8 * 1024;
}
