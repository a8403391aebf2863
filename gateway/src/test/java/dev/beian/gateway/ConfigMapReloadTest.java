package dev.beian.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.testing.GatewayFixture;
import dev.beian.gateway.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry mounted from a Kubernetes ConfigMap: the kubelet swaps the {@code ..data} symlink. */
class ConfigMapReloadTest {

    @Test
    void aSymlinkSwapFlipsTheDecision(@TempDir Path dir) throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            Path mount = Files.createDirectory(dir.resolve("mount"));
            Path v1 = Files.createDirectory(mount.resolve("..2026_11_26_01"));
            Files.writeString(v1.resolve("registry.yaml"), SignalsTest.registry("a.cn"));
            Files.createSymbolicLink(mount.resolve("..data"), v1.getFileName());
            Files.createSymbolicLink(mount.resolve("registry.yaml"), Path.of("..data/registry.yaml"));
            Files.writeString(dir.resolve("gateway.yaml"), "listen:\n  http: 127.0.0.1:0\nadmin:\n  listen: 127.0.0.1:0\n"
                    + "registry:\n  path: mount/registry.yaml\nupstreams:\n  default: [127.0.0.1:" + upstream.port() + "]\n");
            try (Gateway gateway = Gateway.start(new ConfigLoader(n -> null).load(dir.resolve("gateway.yaml")), Clock.systemUTC())) {
                int port = gateway.httpAddress().getPort();
                assertEquals(200, SignalsTest.status(port, "a.cn", "/echo"));
                assertEquals(451, SignalsTest.status(port, "b.cn", "/echo"));

                Path v2 = Files.createDirectory(mount.resolve("..2026_11_26_02"));
                Files.writeString(v2.resolve("registry.yaml"), SignalsTest.registry("b.cn"));
                Path tmp = Files.createSymbolicLink(mount.resolve("..data_tmp"), v2.getFileName());
                Files.move(tmp, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

                long deadline = System.currentTimeMillis() + 10_000;
                while (SignalsTest.status(port, "b.cn", "/echo") != 200 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(200, SignalsTest.status(port, "b.cn", "/echo"));
                assertEquals(451, SignalsTest.status(port, "a.cn", "/echo"));
            }
        }
    }
}
