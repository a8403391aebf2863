package dev.beian.gateway.testing;

import dev.beian.gateway.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway as a process of its own, started as an operator starts it, for what only a fresh JVM shows
 * (signals, start-up switches, logging set up before anything else ran).
 */
public final class GatewayProcess {
    private GatewayProcess() {
    }

    /**
     * Writes {@code dir/gateway.yaml}: HTTP on {@code port}, the admin listener on an ephemeral port, the
     * {@code registry.yaml} beside it (not watched), one upstream; then {@code extra} (more sections).
     */
    public static void writeConfig(Path dir, int port, int upstreamPort, String extra) throws IOException {
        Files.writeString(dir.resolve("gateway.yaml"), "listen:\n  http: 127.0.0.1:" + port + "\n"
                + "admin:\n  listen: 127.0.0.1:0\nregistry:\n  path: registry.yaml\n  watch: false\n"
                + "upstreams:\n  default: [127.0.0.1:" + upstreamPort + "]\n" + extra);
    }

    /** {@code java jvmOptions -cp classpath Main --config dir/gateway.yaml}, its output to {@code dir/out.log}. */
    public static ProcessBuilder command(Path dir, String classpath, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, Main.class.getName(), "--config", dir.resolve("gateway.yaml").toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
    }

    /** {@link #command} on this test run's own class path. */
    public static ProcessBuilder command(Path dir, List<String> jvmOptions) {
        return command(dir, System.getProperty("java.class.path"), jvmOptions);
    }
}
