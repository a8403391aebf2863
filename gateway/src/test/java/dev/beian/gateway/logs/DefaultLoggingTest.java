package dev.beian.gateway.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.GatewayProcess;
import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logging needs no file: a gateway started without a logback.xml logs text, or JSON lines with
 * {@code BEIAN_LOG_FORMAT=json} (issue 11: that variable did nothing unless a logback.xml was copied beside
 * gateway.yaml). Run as a real process, with the test resources (and their logback-test.xml) left out.
 */
class DefaultLoggingTest {
    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void aGatewayWithoutALogbackFileLogsInTheAskedFormat(String format, @TempDir Path dir) throws Exception {
        int port = GatewayFixture.closedPort();
        Files.writeString(dir.resolve("registry.yaml"), "subjects: []\n");
        GatewayProcess.writeConfig(dir, port, 1, "");
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        ProcessBuilder builder = GatewayProcess.command(dir, classpath, List.of("-Dbeian.compiled-registry=off"));
        builder.environment().put("BEIAN_LOG_FORMAT", format);
        Process p = builder.start();
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            List<String> lines = List.of();
            while (lines.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100); // the async appender's worker writes the line a moment after it is logged
                String written = Files.readString(dir.resolve("out.log"));
                // only whole lines: the log is read while it is being written
                lines = Arrays.stream(written.substring(0, written.lastIndexOf('\n') + 1).split("\n"))
                        .filter(l -> l.contains("listening on")).toList();
            }
            assertTrue(listening(port), "the gateway serves");
            assertTrue(!lines.isEmpty(), "no start line: " + Files.readString(dir.resolve("out.log")));
            String line = lines.get(0);
            if (format.equals("json")) {
                Map<String, Object> start = new org.yaml.snakeyaml.Yaml().load(line); // JSON is YAML
                assertEquals("INFO", start.get("level"), line);
                assertEquals("dev.beian.gateway.Gateway", start.get("logger"), line);
                // an access line: one flat object, typed values, ISO-8601 time (issue 11)
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: nope.cn\r\nConnection: close\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getInputStream().readAllBytes();
                }
                String accessLine = null;
                while (accessLine == null && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                    String written = Files.readString(dir.resolve("out.log"));
                    accessLine = Arrays.stream(written.substring(0, written.lastIndexOf('\n') + 1).split("\n"))
                            .filter(l -> l.contains("\"logger\":\"beian.access\"")).findFirst().orElse(null);
                }
                assertTrue(accessLine != null, "no access line: " + Files.readString(dir.resolve("out.log")));
                Map<String, Object> access = new org.yaml.snakeyaml.Yaml().load(accessLine);
                assertEquals(451, access.get("status"), accessLine);
                assertEquals("nope.cn", access.get("host"), accessLine);
                assertEquals("unfiled", access.get("outcome"), accessLine);
                assertTrue(access.containsKey("upstream") && access.get("upstream") == null, accessLine);
                assertTrue(access.get("duration_ms") instanceof Double, accessLine);
                assertTrue(String.valueOf(access.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z"), accessLine);
            } else {
                assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-][0-9:]+) INFO  \\[main\\] "
                        + "d\\.beian\\.gateway\\.Gateway - beian-gateway listening on .*"), line);
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
