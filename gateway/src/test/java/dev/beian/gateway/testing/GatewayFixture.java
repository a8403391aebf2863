package dev.beian.gateway.testing;

import dev.beian.gateway.Gateway;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A real gateway on an ephemeral loopback port, with its config and registry written to a temporary
 * folder, in front of the given upstreams.
 */
public final class GatewayFixture implements AutoCloseable {
    public final Path dir;
    public final Gateway gateway;

    public static final String REGISTRY = """
            subjects:
              - number: 京ICP备11018762号
                name: 示例科技有限公司
                websites:
                  - number: 京ICP备11018762号-1
                    name: 官网
                    domains: [example.cn, 示例.中国]
                    access: here
                  - number: 京ICP备11018762号-2
                    name: 商城
                    domains: [shop.example.cn]
                    access: provisional
                    access-until: 2099-01-01
                  - number: 京ICP备11018762号-3
                    name: 别处
                    domains: [elsewhere.cn]
                    access: elsewhere
                  - number: 京ICP备11018762号-4
                    name: 注销
                    domains: [gone.example.cn]
                    access: here
                    status: cancelled
                  - number: 京ICP备11018762号-5
                    name: 坏上游
                    domains: [refused.example.cn]
                    access: here
                    upstream: refused
            """;

    public GatewayFixture(int upstreamPort, String extraConfig) throws Exception {
        this(Map.of("default", "127.0.0.1:" + upstreamPort, "refused", "127.0.0.1:" + closedPort()), extraConfig, REGISTRY);
    }

    public GatewayFixture(Map<String, String> upstreams, String extraConfig, String registry) throws Exception {
        this(upstreams, extraConfig, registry, "");
    }

    /** {@code listenExtra}: more keys of the {@code listen} section, such as proxy-protocol. */
    public GatewayFixture(Map<String, String> upstreams, String extraConfig, String registry, String listenExtra)
            throws Exception {
        this(upstreams, extraConfig, registry, listenExtra, false, "");
    }

    /** {@code watch}: registry.watch; {@code token}: admin.token. */
    public GatewayFixture(Map<String, String> upstreams, String extraConfig, String registry, String listenExtra,
                          boolean watch, String token) throws Exception {
        dir = Files.createTempDirectory("beian-gateway-test");
        Files.writeString(dir.resolve("registry.yaml"), registry, StandardCharsets.UTF_8);
        StringBuilder config = new StringBuilder("""
                listen:
                  http: 127.0.0.1:0
                %s
                admin:
                  listen: 127.0.0.1:0
                  token: "%s"
                registry:
                  path: registry.yaml
                  watch: %s
                upstreams:
                """.formatted(listenExtra.isEmpty() ? "" : "  " + listenExtra, token, watch));
        upstreams.forEach((name, address) -> config.append("  ").append(name).append(": [").append(address).append("]\n"));
        config.append(extraConfig);
        Files.writeString(dir.resolve("gateway.yaml"), config.toString(), StandardCharsets.UTF_8);
        GatewayConfig loaded = new ConfigLoader(name -> null).load(dir.resolve("gateway.yaml"));
        gateway = Gateway.start(loaded, Clock.systemUTC());
    }

    public int adminPort() {
        return gateway.adminAddress().getPort();
    }

    public int port() {
        return gateway.httpAddress().getPort();
    }

    /** A loopback port with nothing listening (bound once, then released). */
    public static int closedPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        gateway.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
