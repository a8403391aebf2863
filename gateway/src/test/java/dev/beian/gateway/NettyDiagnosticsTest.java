package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.GatewayProcess;
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
            GatewayProcess.writeConfig(dir, port, upstream.port(), "");
            List<String> jvmOptions = new ArrayList<>(options);
            jvmOptions.add("-Xlog:class+load=info:file=" + dir.resolve("classes.log"));
            Process p = GatewayProcess.command(dir, jvmOptions).start();
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
