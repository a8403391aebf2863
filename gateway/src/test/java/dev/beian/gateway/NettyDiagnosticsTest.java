package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Netty's Flight Recorder events are off unless asked for: registering them loads the recorder's machinery at
 * the first buffer, about 0.1 s of every start. A process of its own, since the switch is read once, when
 * Netty's first class loads; the JVM's class-loading log shows whether the event class was ever loaded.
 */
class NettyDiagnosticsTest {
    private static final String EVENT = "io.netty.buffer.AllocateBufferEvent";

    @Test
    void bufferEventsAreNotRegisteredUnlessAsked(@TempDir Path dir) throws Exception {
        String loaded = classesLoadedServingOneRequest(dir.resolve("default"), List.of());
        assertTrue(loaded.contains("io.netty.buffer.AbstractByteBuf"), "the log shows Netty's buffers: " + loaded.length());
        assertFalse(loaded.contains(EVENT), "Netty's JFR events were registered");

        String asked = classesLoadedServingOneRequest(dir.resolve("asked"), List.of("-Dio.netty.jfr.enabled=true"));
        assertTrue(asked.contains(EVENT), "-Dio.netty.jfr.enabled=true turns them back on");
    }

    private static String classesLoadedServingOneRequest(Path dir, List<String> options) throws Exception {
        Files.createDirectories(dir);
        try (TestUpstream upstream = new TestUpstream()) {
            int port = GatewayFixture.closedPort();
            Files.writeString(dir.resolve("registry.yaml"), SignalsTest.registry("a.cn"));
            Files.writeString(dir.resolve("gateway.yaml"), "listen:\n  http: 127.0.0.1:" + port + "\n"
                    + "admin:\n  listen: 127.0.0.1:0\nregistry:\n  path: registry.yaml\n  watch: false\n"
                    + "upstreams:\n  default: [127.0.0.1:" + upstream.port() + "]\n");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load=info:file=" + dir.resolve("classes.log")));
            command.addAll(options);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "--config", dir.resolve("gateway.yaml").toString()));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
            try {
                SignalsTest.awaitListening(port);
                assertEquals(200, SignalsTest.status(port, "a.cn", "/echo"), Files.readString(dir.resolve("out.log")));
                p.destroy();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exited");
            } finally {
                p.destroyForcibly();
            }
            return Files.readString(dir.resolve("classes.log"));
        }
    }
}
