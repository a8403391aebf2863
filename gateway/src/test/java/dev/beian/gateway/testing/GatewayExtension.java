package dev.beian.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real upstream and a real gateway in front of it (upstreams {@code default} and a {@code refused} one
 * that nothing listens on), for one integration class: started before its first test, stopped after its
 * last.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final GatewayExtension&lt;TestUpstream&gt; gateway = GatewayExtension.testUpstream().config("timeouts: ...");
 * </pre>
 */
public final class GatewayExtension<U extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {
    /** Writes certificates into a tls.certificates folder. */
    public interface CertificateWriter {
        void write(Path folder) throws Exception;
    }

    /** Makes an upstream. */
    public interface UpstreamFactory<U> {
        U start() throws Exception;
    }

    private final UpstreamFactory<U> factory;
    private final ToIntFunction<U> port;
    private String config = "";
    private String registry = GatewayFixture.REGISTRY;
    private String listen = "";
    private String token = "";
    private boolean refused = true;
    private CertificateWriter certificateWriter;
    private Path certificates;
    private U upstream;
    private GatewayFixture fixture;

    private GatewayExtension(UpstreamFactory<U> factory, ToIntFunction<U> port) {
        this.factory = factory;
        this.port = port;
    }

    /** In front of a {@link TestUpstream}. */
    public static GatewayExtension<TestUpstream> testUpstream() {
        return new GatewayExtension<>(TestUpstream::new, TestUpstream::port);
    }

    /** In front of a {@link StrictUpstream} that takes {@code filed} hosts only. */
    public static GatewayExtension<StrictUpstream> strictUpstream(Predicate<String> filed) {
        return new GatewayExtension<>(() -> new StrictUpstream(filed), StrictUpstream::port);
    }

    /** More gateway.yaml, after the listen, admin, registry and upstreams sections. */
    public GatewayExtension<U> config(String extra) {
        this.config = extra;
        return this;
    }

    public GatewayExtension<U> registry(String registry) {
        this.registry = registry;
        return this;
    }

    /** More keys of the listen section, such as {@code proxy-protocol: true}. */
    public GatewayExtension<U> listen(String listenExtra) {
        this.listen = listenExtra;
        return this;
    }

    public GatewayExtension<U> token(String token) {
        this.token = token;
        return this;
    }

    /** HTTPS too, on an ephemeral port, with the certificates {@code writer} puts into a folder of its own. */
    public GatewayExtension<U> https(CertificateWriter writer) {
        this.certificateWriter = writer;
        return this;
    }

    /** The certificates folder of {@link #https}. */
    public Path certificates() {
        return certificates;
    }

    /** Only upstream {@code default}. */
    public GatewayExtension<U> withoutRefusedUpstream() {
        this.refused = false;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        upstream = factory.start();
        String at = "127.0.0.1:" + port.applyAsInt(upstream);
        Map<String, String> upstreams = refused
                ? Map.of("default", at, "refused", "127.0.0.1:" + GatewayFixture.closedPort())
                : Map.of("default", at);
        String extraConfig = config;
        String extraListen = listen;
        if (certificateWriter != null) {
            certificates = Files.createTempDirectory("beian-certs");
            certificateWriter.write(certificates);
            extraConfig = "tls:\n  certificates: " + certificates.toAbsolutePath() + "\n" + config;
            extraListen = listen.isEmpty() ? "https: 127.0.0.1:0" : listen + "\n  https: 127.0.0.1:0";
        }
        fixture = new GatewayFixture(upstreams, extraConfig, registry, extraListen, false, token);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            upstream.close();
            if (certificates != null) {
                try (var files = Files.walk(certificates)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    public U upstream() {
        return upstream;
    }

    public GatewayFixture fixture() {
        return fixture;
    }

    /** The gateway's HTTPS port. */
    public int httpsPort() {
        return fixture.gateway.httpsAddress().getPort();
    }

    /** The gateway's HTTP port. */
    public int port() {
        return fixture.port();
    }
}
