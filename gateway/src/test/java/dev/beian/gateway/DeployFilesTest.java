package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.TestCertificates;
import java.io.File;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/ kept true to the code: every YAML and JSON file there parses, and every metric name that the alert
 * rules and the Grafana dashboard use is one a live gateway serves (a renamed metric breaks the build, not a
 * dashboard at 3 a.m.). Where promtool is installed (always in CI), {@code promtool check metrics} has
 * nothing to say about the live /metrics (SPEC §9).
 */
class DeployFilesTest {
    static final Path DEPLOY = Path.of("..", "deploy");
    /** A metric name of ours or of the bindings, as PromQL uses it. */
    static final Pattern METRIC = Pattern.compile("\\b(?:beian|cache|process|jvm|netty|system)_[a-z0-9_]+");

    static List<Path> files(String... extensions) throws Exception {
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(extensions).anyMatch(e -> p.toString().endsWith(e))).sorted().toList();
        }
    }

    @Test
    void everyYamlAndJsonFileParses() throws Exception {
        List<Path> files = files(".yaml", ".yml", ".json");
        assertTrue(files.size() >= 15, "deploy/ holds its manifests, rules and dashboard: " + files);
        for (Path file : files) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            try {
                int documents = 0;
                for (Object document : new Yaml(options).loadAll(Files.readString(file))) {
                    documents += document == null ? 0 : 1;
                }
                assertTrue(documents > 0, file + " is empty");
            } catch (RuntimeException e) {
                throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The gateway.yaml files of the Kubernetes manifests load with the environment the Deployment gives them;
     * the only error allowed here is the cluster-internal upstream name, which no resolver outside a cluster
     * knows.
     */
    @Test
    void theManifestsGatewayYamlFilesLoad() throws Exception {
        List<Path> configs = files("gateway.yaml");
        assertEquals(2, configs.size(), configs.toString());
        java.util.Map<String, String> env = java.util.Map.of("BEIAN_ADMIN_TOKEN", "t0ken",
                "BEIAN_REGISTRY_URL", "https://objects.example.com/beian/registry.yaml");
        for (Path config : configs) {
            try {
                new ConfigLoader(env::get).load(config);
            } catch (dev.beian.gateway.config.InvalidConfigException e) {
                List<String> others = e.errors().stream().map(dev.beian.yaml.YamlError::message)
                        .filter(message -> !message.equals("upstream default: cannot resolve apps.apps.svc.cluster.local"))
                        .toList();
                assertEquals(List.of(), others, config.toString());
            }
        }
    }

    /** Metric names the rules and the dashboard ask Prometheus for. */
    static Set<String> namesUsed() throws Exception {
        Set<String> names = new TreeSet<>();
        for (Path file : files(".rules.yml", ".json")) {
            Matcher m = METRIC.matcher(Files.readString(file));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    @Test
    void everyMetricTheRulesAndTheDashboardUseIsServed(@TempDir Path dir) throws Exception {
        Set<String> used = namesUsed();
        assertTrue(used.contains("beian_requests_total") && used.contains("beian_registry_rejected")
                && used.contains("beian_request_duration_seconds_bucket"), "names found in deploy/: " + used);

        // a gateway with every part that has meters: HTTPS (certificates), a fleet source (fetches)
        HttpServer source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] registry = GatewayFixture.REGISTRY.getBytes(StandardCharsets.UTF_8);
        source.createContext("/registry.yaml", exchange -> {
            exchange.sendResponseHeaders(200, registry.length);
            exchange.getResponseBody().write(registry);
            exchange.close();
        });
        source.start();
        Path certificates = Files.createDirectories(dir.resolve("certs"));
        TestCertificates.write(certificates, "default", "example.cn");
        Files.writeString(dir.resolve("gateway.yaml"), """
                listen:
                  http: 127.0.0.1:0
                  https: 127.0.0.1:0
                tls:
                  certificates: certs
                admin:
                  listen: 127.0.0.1:0
                registry:
                  path: registry.yaml
                  url: http://127.0.0.1:%d/registry.yaml
                  poll: 100ms
                upstreams:
                  default: [127.0.0.1:%d]
                  refused: [127.0.0.1:%d]
                """.formatted(source.getAddress().getPort(), GatewayFixture.closedPort(), GatewayFixture.closedPort()));
        Gateway gateway = Gateway.start(new ConfigLoader(name -> null).load(dir.resolve("gateway.yaml")),
                Clock.systemUTC());
        try {
            HttpClient client = HttpClient.newHttpClient();
            URI metrics = URI.create("http://127.0.0.1:" + gateway.adminAddress().getPort() + "/metrics");
            String scrape = "";
            long deadline = System.currentTimeMillis() + 10_000;
            while (!scrape.contains("beian_registry_fetches_total{result=\"unchanged\"} 1")
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                scrape = client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            Set<String> served = scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(served);
            assertEquals(Set.of(), missing, "used by deploy/prometheus or deploy/grafana but not served; served: " + served);
            promtoolCheck(scrape, dir);
        } finally {
            gateway.close();
            source.stop(0);
        }
    }

    /** {@code promtool check metrics} on the scrape; skipped where promtool is missing, unless CI requires it. */
    static void promtoolCheck(String scrape, Path dir) throws Exception {
        Path promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(folder -> Path.of(folder, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        if (promtool == null) {
            assertFalse(Boolean.getBoolean("beian.require-promtool"), "promtool is required but not on PATH");
            return;
        }
        Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                .redirectInput(Files.writeString(dir.resolve("scrape.txt"), scrape).toFile()).start();
        String said;
        try (InputStream out = process.getInputStream()) {
            said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        List<String> problems = new ArrayList<>(said.lines().filter(line -> !line.isBlank()).toList());
        assertEquals(List.of(), problems, "promtool check metrics");
        assertEquals(0, process.exitValue());
    }
}
