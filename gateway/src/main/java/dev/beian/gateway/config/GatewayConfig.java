package dev.beian.gateway.config;

import java.net.InetSocketAddress;
import java.net.URI;
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
        Listen listen,
        Tls tls,
        Http2 http2,
        int threads,
        Admin admin,
        RegistrySource registry,
        long cacheMaximumSize,
        Map<String, List<InetSocketAddress>> upstreams,
        Block block,
        boolean ipHostsForward,
        Timeouts timeouts,
        Limits limits) {

    /**
     * {@code listen}: the client listeners ({@code https} null when there is none), and whether every connection
     * opens with a PROXY header.
     */
    public record Listen(InetSocketAddress http, InetSocketAddress https, boolean proxyProtocol) {
    }

    /**
     * {@code tls}: the certificates folder, whether a ClientHello without SNI gets the certificate named
     * {@code default} (else it is refused), and the protocol versions.
     */
    public record Tls(Path certificates, boolean noSniDefault, List<String> protocols) {
    }

    /**
     * {@code http2}: streams one connection may have open at once; the header list limit is
     * {@code limits.max-header-size}.
     */
    public record Http2(int maxConcurrentStreams) {
    }

    /** {@code admin}: its listener and bearer token (empty: none). */
    public record Admin(InetSocketAddress listen, String token) {
    }

    /**
     * {@code registry}: the file, whether its changes are watched, and the fleet source it is fetched from
     * every {@code poll} ({@code url} null: none; the file is then the last valid copy, SPEC §11).
     */
    public record RegistrySource(Path path, boolean watch, URI url, Duration poll) {
    }

    /** {@code block}: how a blocked request is answered; {@code page} null for the built-in page. */
    public record Block(BlockMode mode, int status, String redirectUrl, Path page) {
    }

    /** {@code timeouts}. */
    public record Timeouts(Duration connect, Duration response, Duration idle, Duration header, Duration drain) {
    }

    /**
     * {@code limits} of SPEC §4: what one client may cost the gateway and its apps.
     *
     * @param requestBuffer a body up to this many bytes is read whole before an upstream connection is taken
     * @param minBodyRate bytes per second a body must average after {@code timeouts.header} of grace; 0: off
     */
    public record Limits(int maxHeaderSize, int maxConnections, Underscores underscores, int requestBuffer,
                         long minBodyRate) {
    }

    /** {@code limits.underscores-in-headers}: what becomes of a field such as {@code Transfer_Encoding}. */
    public enum Underscores { DROP, PASS, REJECT }

    /** How a blocked request is answered. */
    public enum BlockMode { PAGE, REDIRECT }

    /** Longest request line accepted (SPEC §7: over it, 414). */
    public static final int MAX_REQUEST_LINE = 8 * 1024;
}
