package dev.beian.gateway.config;

import dev.beian.yaml.YamlError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    GatewayConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env::get).load(file);
    }

    @Test
    void theBundledConfigLoadsWithItsDocumentedDefaults() throws Exception {
        GatewayConfig c = new ConfigLoader(n -> null).load(Path.of("..", "config", "gateway.yaml"));
        assertEquals(8080, c.listen().http().getPort());
        assertEquals(9090, c.admin().listen().getPort());
        assertEquals("", c.admin().token());
        assertEquals(100_000, c.cacheMaximumSize());
        assertEquals(GatewayConfig.BlockMode.PAGE, c.block().mode());
        assertEquals(451, c.block().status());
        assertEquals(Duration.ofSeconds(3), c.timeouts().connect());
        assertEquals(Duration.ofSeconds(60), c.timeouts().response());
        assertEquals(Duration.ofSeconds(10), c.timeouts().header());
        assertEquals(16 * 1024, c.limits().maxHeaderSize());
        assertEquals(10_000, c.limits().maxConnections());
        assertEquals(GatewayConfig.Underscores.DROP, c.limits().underscores());
        assertEquals(64 * 1024, c.limits().requestBuffer());
        assertEquals(1024, c.limits().minBodyRate());
        assertTrue(c.registry().path().endsWith(Path.of("config", "registry.yaml")), "relative to the config's folder");
        assertTrue(c.registry().watch());
        assertTrue(c.ipHostsForward());
        assertEquals(List.of(new java.net.InetSocketAddress("127.0.0.1", 3000)), c.upstreams().get("default"));
    }

    @Test
    void environmentValuesAndDefaults() throws Exception {
        GatewayConfig c = load("""
                admin:
                  token: ${TOKEN:-fallback}
                  listen: ${ADMIN:-127.0.0.1:9191}
                timeouts:
                  response: ${RESPONSE}
                upstreams:
                  default: [127.0.0.1:3000, "${SECOND:-127.0.0.1:3001}"]
                """, Map.of("TOKEN", "s3cret", "RESPONSE", "500ms"));
        assertEquals("s3cret", c.admin().token());
        assertEquals(9191, c.admin().listen().getPort());
        assertEquals(Duration.ofMillis(500), c.timeouts().response());
        assertEquals(2, c.upstreams().get("default").size());
    }

    /** config text, position, words. */
    static Stream<Arguments> errors() {
        String up = "upstreams:\n  default: [127.0.0.1:3000]\n";
        return Stream.of(
                Arguments.of(up + "treads: 2\n", "3:1", "unknown key 'treads'"),
                Arguments.of(up + "timeouts:\n  conect: 3s\n", "4:3", "unknown key 'conect' in timeouts"),
                Arguments.of(up + "timeouts:\n  idle: 60\n", "4:9", "timeouts.idle: expected a duration"),
                Arguments.of(up + "timeouts:\n  idle: 0s\n", "4:9", "above zero"),
                Arguments.of(up + "limits:\n  max-header-size: 16kb\n", "4:20", "expected a size"),
                Arguments.of(up + "limits:\n  max-connections: many\n", "4:20", "limits.max-connections: expected a whole number"),
                Arguments.of(up + "limits:\n  max-header-size: 99999999999999999999\n", "4:20", "expected a size"),
                Arguments.of(up + "limits:\n  underscores-in-headers: allow\n", "4:27", "drop, pass or reject"),
                Arguments.of(up + "limits:\n  request-buffer: 1GiB\n", "4:19", "expected a size from 0 to"),
                Arguments.of(up + "limits:\n  min-body-rate: 1KiB\n", "4:18", "expected a rate such as 1KiB/s"),
                Arguments.of(up + "limits:\n  min-body-rate: fast/s\n", "4:18", "expected a size"),
                Arguments.of(up + "threads: -1\n", "3:10", "threads: expected a number from 0 to 1024"),
                Arguments.of(up + "block:\n  mode: banner\n", "4:9", "block.mode must be page or redirect"),
                Arguments.of(up + "block:\n  status: 200\n", "4:11", "block.status: expected a number from 400 to 599, not 200"),
                Arguments.of(up + "ip-hosts: allow\n", "3:11", "ip-hosts must be forward or block"),
                Arguments.of(up + "block:\n  redirect-url: notice.example.com/blocked\n", "4:17", "must be an absolute http:// or https:// URL"),
                Arguments.of(up + "block:\n  redirect-url: https://n.example.com/?d={domain}\n", "4:17", "only the placeholders {host} and {reason}"),
                Arguments.of(up + "block:\n  redirect-url: \"https:///x?d={host}\"\n", "4:17", "must name a host"),
                Arguments.of(up + "registry:\n  url: objects.example.com/registry.yaml\n", "4:8", "registry.url: expected an absolute http:// or https:// URL"),
                Arguments.of(up + "registry:\n  url: https://user:pw@objects.example.com/r.yaml\n", "4:8", "without user:password@"),
                Arguments.of(up + "registry:\n  poll: 30s\n", "4:9", "registry.poll is given but registry.url is not"),
                Arguments.of(up + "registry:\n  url: https://o.example.com/r.yaml\n  poll: 30\n", "5:9", "registry.poll: expected a duration"),
                Arguments.of(up + "registry:\n  watch: yes\n", "4:10", "registry.watch: expected true or false"),
                Arguments.of(up + "admin:\n  listen: 0.0.0.0:9090\n", "4:11", "not a loopback address and admin.token is empty"),
                Arguments.of(up + "admin:\n  token: ${NOPE}\n", "4:10", "admin.token: environment variable NOPE is not set"),
                Arguments.of(up + "listen:\n  https: 0.0.0.0:8443\n", "4:10", "listen.https needs a tls section"),
                Arguments.of(up + "tls:\n  certificates: .\n", "4:3", "tls is given but listen.https is not"),
                Arguments.of(up + "listen:\n  https: 0.0.0.0:8443\ntls:\n  certificates: nowhere\n", "6:17", "is not a folder"),
                Arguments.of(up + "listen:\n  https: 0.0.0.0:8443\ntls:\n  certificates: .\n  no-sni: serve\n", "7:11", "tls.no-sni must be refuse or default"),
                Arguments.of(up + "listen:\n  https: 0.0.0.0:8443\ntls:\n  certificates: .\n  protocols: [TLSv1.1]\n", "7:15", "TLSv1.3 and TLSv1.2 only"),
                Arguments.of(up + "listen:\n  http: localhost\n", "4:9", "expected host:port"),
                Arguments.of("upstreams:\n  other: [127.0.0.1:3000]\n", "2:3", "upstreams must define 'default'"),
                Arguments.of("upstreams:\n  default: [no-port]\n", "2:13", "expected host:port"),
                Arguments.of("threads: 1\n", "1:1", "upstreams is required"),
                Arguments.of("upstreams: [\n", "2:1", "YAML syntax"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("errors")
    void errorsNameLineAndColumn(String yaml, String position, String words) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(yaml, Map.of()));
        YamlError first = e.errors().get(0);
        assertEquals(position, first.line() + ":" + first.column(), e.errors().toString());
        assertTrue(first.message().contains(words), first.message());
    }

    @Test
    void limitsOfRequestHygiene() throws Exception {
        GatewayConfig c = load("""
                upstreams:
                  default: [127.0.0.1:3000]
                limits:
                  underscores-in-headers: reject
                  request-buffer: 0
                  min-body-rate: 10KiB/s
                """, Map.of());
        assertEquals(GatewayConfig.Underscores.REJECT, c.limits().underscores());
        assertEquals(0, c.limits().requestBuffer());
        assertEquals(10 * 1024, c.limits().minBodyRate());
        assertEquals(0, load("upstreams:\n  default: [127.0.0.1:3000]\nlimits:\n  min-body-rate: 0\n", Map.of())
                .limits().minBodyRate(), "0 turns the check off");
        assertEquals(GatewayConfig.Underscores.PASS, load(
                "upstreams:\n  default: [127.0.0.1:3000]\nlimits:\n  underscores-in-headers: pass\n", Map.of())
                .limits().underscores());
    }

    @Test
    void errorsComeInFileOrder() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load("""
                upstreams:
                  other: [127.0.0.1:3000]
                timeouts:
                  idle: 60
                block:
                  status: 200
                """, Map.of()));
        List<Integer> lines = e.errors().stream().map(dev.beian.yaml.YamlError::line).toList();
        assertEquals(lines.stream().sorted().toList(), lines, e.errors().toString());
        assertTrue(lines.size() >= 3, e.errors().toString());
    }

    @Test
    void aFleetSourceWithItsPollAndDefaults() throws Exception {
        String up = "upstreams:\n  default: [127.0.0.1:3000]\n";
        GatewayConfig c = load(up + "registry:\n  path: copy.yaml\n  url: https://o.example.com/b/registry.yaml\n"
                + "  poll: 1m\n", Map.of());
        assertEquals(java.net.URI.create("https://o.example.com/b/registry.yaml"), c.registry().url());
        assertEquals(Duration.ofMinutes(1), c.registry().poll());
        assertEquals(dir.resolve("copy.yaml"), c.registry().path());
        GatewayConfig plain = load(up, Map.of());
        assertEquals(null, plain.registry().url());
        assertEquals(Duration.ofSeconds(30), plain.registry().poll());
    }

    @Test
    void aTokenAllowsANonLoopbackAdminAddress() throws Exception {
        GatewayConfig c = load("upstreams:\n  default: [127.0.0.1:3000]\nadmin:\n  listen: 0.0.0.0:9090\n  token: t\n", Map.of());
        assertFalse(c.admin().listen().getAddress().isLoopbackAddress());
        assertNull(c.block().page());
    }

    @Test
    void hostPortForms() {
        assertEquals(new HostPort("127.0.0.1", 80), ConfigLoader.parseHostPort("127.0.0.1:80"));
        assertEquals(new HostPort("::1", 80), ConfigLoader.parseHostPort("[::1]:80"));
        assertEquals(new HostPort("localhost", 3000), ConfigLoader.parseHostPort("localhost:3000"));
        assertNull(ConfigLoader.parseHostPort("::1:80"));
        assertNull(ConfigLoader.parseHostPort("host:"));
        assertNull(ConfigLoader.parseHostPort("host:99999"));
        assertNull(ConfigLoader.parseHostPort(":80"));
    }
}
