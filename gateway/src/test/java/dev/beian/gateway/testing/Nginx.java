package dev.beian.gateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's nginx serving a folder of static files on a loopback port, as a registry source would: it answers
 * {@code ETag}, {@code 304} to {@code If-None-Match}, and gzip. Started and stopped by the test; a test that
 * needs it is skipped where nginx is not installed, unless {@code -Dbeian.require-nginx=true} (CI) makes that
 * a failure.
 */
public final class Nginx implements AutoCloseable {
    private final Path prefix;
    private final Process process;
    public final int port;

    public Nginx(Path root, int port) throws IOException, InterruptedException {
        this.port = port;
        this.prefix = Files.createTempDirectory("nginx-test");
        Files.createDirectories(prefix.resolve("tmp"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 64; }
                http {
                  access_log %1$s/access.log;
                  client_body_temp_path %1$s/tmp/body;
                  proxy_temp_path %1$s/tmp/proxy;
                  fastcgi_temp_path %1$s/tmp/fastcgi;
                  uwsgi_temp_path %1$s/tmp/uwsgi;
                  scgi_temp_path %1$s/tmp/scgi;
                  types { text/yaml yaml; }
                  gzip on;
                  gzip_types text/yaml;
                  gzip_min_length 0;
                  server {
                    listen 127.0.0.1:%2$d;
                    root %3$s;
                  }
                }
                """.formatted(prefix, port, root));
        process = new ProcessBuilder(binary().orElseThrow().toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("nginx did not start: " + Files.readString(prefix.resolve("error.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Skips the calling test where nginx is not installed, unless CI requires it. */
    public static void assumeInstalled() {
        if (binary().isEmpty() && Boolean.getBoolean("beian.require-nginx")) {
            throw new AssertionError("nginx is required (-Dbeian.require-nginx=true) but not installed");
        }
        Assumptions.assumeTrue(binary().isPresent(), "nginx is not installed (apt-get install nginx-light)");
    }

    static Optional<Path> binary() {
        return List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx").stream().map(Path::of)
                .filter(Files::isExecutable).findFirst();
    }

    /** The access log's lines so far. */
    public List<String> accessLog() throws IOException {
        Path log = prefix.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
