package dev.beian.gateway;

import dev.beian.decision.Decider;
import dev.beian.gateway.admin.AdminEndpoints;
import dev.beian.gateway.admin.AdminServer;
import dev.beian.gateway.block.BlockAnswers;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.fleet.RegistryFetcher;
import dev.beian.gateway.metrics.BuildInfo;
import dev.beian.gateway.metrics.CoarseClock;
import dev.beian.gateway.metrics.GatewayMetrics;
import dev.beian.gateway.metrics.OperationsMetrics;
import dev.beian.gateway.net.HttpListener;
import dev.beian.gateway.net.Transport;
import dev.beian.gateway.proxy.AccessLog;
import dev.beian.gateway.proxy.ClientPipeline;
import dev.beian.gateway.proxy.ProxyContext;
import dev.beian.gateway.proxy.Upstreams;
import dev.beian.gateway.tls.Certificates;
import dev.beian.gateway.tls.InvalidCertificatesException;
import dev.beian.registry.InvalidRegistryException;
import dev.beian.reload.RegistryHolder;
import dev.beian.reload.RegistryWatcher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: the registry in service, the client listener and its event loops, the registry
 * watcher. Start it with {@link #start}, stop it with {@link #drainAndStop} (SIGTERM) or {@link #close}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Transport transport;
    private final RegistryHolder registry;
    private final Decider decider;
    private final PrometheusMeterRegistry meters;
    private final ProxyContext context;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final Channel server;
    private final RegistryWatcher watcher;
    private final HttpListener admin;
    private Channel httpsServer;
    private final RegistryWatcher certificateWatcher;
    private final RegistryFetcher fetcher;
    /** Composes the pieces of a reloaded registry: half the cores, so the event loops always keep some. */
    private final ForkJoinPool reloadPool;
    private volatile boolean ready;

    private Gateway(GatewayConfig config, Clock clock) throws IOException, InvalidRegistryException, InvalidCertificatesException,
            InterruptedException {
        this.config = config;
        int cores = Runtime.getRuntime().availableProcessors();
        this.reloadPool = cores >= 4 ? new ForkJoinPool(cores / 2) : null; // two cores: reloads compose on one
        ProcessMemory.install();
        nettyDiagnosticsOffUnlessAsked();
        // the registry loads on a thread of its own while the rest is set up: a restart on a compiled
        // registry is mostly class loading and file reading, and the two overlap on two cores
        CompletableFuture<RegistryStart.Started> loading = RegistryStart.begin(config, clock, reloadPool);
        Certificates certificates;
        try {
            this.decider = new Decider(clock, config.cacheMaximumSize(), config.ipHostsForward());
            this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(),
                    CoarseClock.INSTANCE);
            OperationsMetrics.bindProcess(meters, decider);
            BuildInfo.bind(meters);
            certificates = config.tls() == null ? null
                    : Certificates.load(config.tls().certificates(), config.tls().protocols());
        } catch (InvalidCertificatesException | RuntimeException e) {
            RegistryStart.await(loading).holder().close(); // a bad registry is reported first, as it always was
            shutdown(reloadPool);
            throw e;
        }
        RegistryStart.Started started;
        try {
            started = RegistryStart.await(loading);
            this.registry = started.holder();
        } catch (IOException | InvalidRegistryException | RuntimeException e) {
            shutdown(reloadPool);
            throw e;
        }
        registry.addListener(result -> {
            if (result.changed()) {
                decider.registryChanged();
            }
        });
        ProcessMemory.afterLoad(registry.current());
        registry.addListener(result -> {
            if (result.changed()) {
                ProcessMemory.afterLoad(result.registry()); // on the reload thread, after the swap
            }
        });
        Transport.Loops loops = Transport.startLoops(
                config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors());
        this.transport = loops.transport();
        this.bossGroup = loops.accept();
        this.workerGroup = loops.io();
        GatewayMetrics metrics = new GatewayMetrics(meters, config.upstreams().keySet());
        this.context = new ProxyContext(config, transport, registry, decider, new BlockAnswers(config),
                new Upstreams(config.upstreams()), metrics, new AccessLog());
        ClientPipeline pipeline = new ClientPipeline(context, clients);
        metrics.bindActiveConnections(pipeline::activeConnections);
        if (certificates != null) {
            context.certificates(certificates);
            bindCertificateExpiry();
        }
        Channel plain = null;
        try {
            plain = bind(pipeline, config.listen().http(), "listen.http");
            this.httpsServer = config.listen().https() == null ? null
                    : bind(pipeline.withTls(), config.listen().https(), "listen.https");
        } catch (IOException | InterruptedException e) {
            if (plain != null) {
                plain.close().syncUninterruptibly();
            }
            shutdownGroups();
            shutdown(reloadPool);
            throw e;
        }
        this.server = plain;
        OperationsMetrics.bindRegistry(meters, registry);
        try {
            this.admin = AdminServer.start(config.admin().listen(), transport,
                    new AdminEndpoints(registry, decider, meters, this::ready, config.admin().token()));
        } catch (Exception e) {
            server.close().syncUninterruptibly();
            if (httpsServer != null) {
                httpsServer.close().syncUninterruptibly();
            }
            shutdownGroups();
            shutdown(reloadPool);
            throw bindFailure("admin.listen", config.admin().listen(), e);
        }
        RegistryWatcher w = null;
        if (config.registry().watch()) {
            w = RegistryWatcher.start(config.registry().path(), Duration.ofMillis(300),
                    () -> registry.reloadIfChangedAsync("file change"));
        }
        this.watcher = w;
        RegistryWatcher cw = null;
        if (config.tls() != null) {
            registry.addListener(result -> { // SIGHUP and POST /reload re-read them too
                if (result.changed() || result.rejected()) {
                    reloadCertificates();
                }
            });
            cw = RegistryWatcher.startFolder(config.tls().certificates(), Duration.ofMillis(300), this::reloadCertificates);
            log.info("HTTPS on {} with {} certificate(s), {} engine", httpsServer.localAddress(),
                    context.certificates().pairs().size(), Certificates.provider());
        }
        this.certificateWatcher = cw;
        if (config.registry().url() != null) {
            if ("http".equals(config.registry().url().getScheme())) {
                log.warn("registry.url {} is plain http: anyone on the network path can change what is filed; "
                        + "use https outside a trusted network", config.registry().url());
            }
            Duration poll = config.registry().poll();
            fetcher = new RegistryFetcher(config.registry().url(), registry, meters, clock);
            fetcher.start(poll, started.fetchedEtag()); // at once: a copy kept from before may be old
            log.info("registry fetched from {} every {}, kept at {}", config.registry().url(),
                    poll.toMillis() % 1000 == 0 ? poll.toSeconds() + " s" : poll.toMillis() + " ms",
                    config.registry().path());
        } else {
            fetcher = null;
        }
        this.ready = true;
        log.info("beian-gateway listening on {} ({} transport, {} event loops), admin on {}; registry {} with {} domains",
                server.localAddress(), transport.name(),
                ((io.netty.util.concurrent.MultithreadEventExecutorGroup) workerGroup).executorCount(),
                admin.address(), config.registry().path(), registry.current().domainCount());
    }

    /**
     * Two of Netty's diagnostics that cost every gateway and serve only someone debugging Netty:
     * <ul>
     * <li>The leak detector samples one buffer in 128 by default and records a stack trace for each: some
     * 2.5 % of the forward path's CPU in a profile, for a check that belongs in tests (they run it at
     * {@code paranoid} and fail on any report). On with {@code -Dio.netty.leakDetection.level=simple} (or any
     * level).
     * <li>Its buffer events for the JDK's Flight Recorder are registered at the first allocation: the
     * recorder's machinery loads then (some 80 classes and generated event handlers), about 0.1 s of every
     * start. On with {@code -Dio.netty.jfr.enabled=true}; the JVM's own events are recorded either way.
     * </ul>
     * Set before Netty's first buffer: its platform probe reads the second property once.
     */
    private static void nettyDiagnosticsOffUnlessAsked() {
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** Loads the registry, binds the listener and starts serving. */
    public static Gateway start(GatewayConfig config, Clock clock)
            throws IOException, InvalidRegistryException, InvalidCertificatesException,
            InterruptedException {
        return new Gateway(config, clock);
    }

    public GatewayConfig config() {
        return config;
    }

    public Transport transport() {
        return transport;
    }

    public InetSocketAddress httpAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The HTTPS listener's address; null without one. */
    public InetSocketAddress httpsAddress() {
        return httpsServer == null ? null : (InetSocketAddress) httpsServer.localAddress();
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    public RegistryHolder registry() {
        return registry;
    }

    public Decider decider() {
        return decider;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** True once the registry is loaded and the listener bound, until draining starts. */
    public boolean ready() {
        return ready;
    }

    /**
     * SIGTERM: stop accepting, let requests in flight finish (up to {@code timeouts.drain}), close what is
     * left, stop.
     */
    public void drainAndStop() {
        ready = false;
        context.startDraining();
        log.info("draining: no new connections; waiting up to {} s for {} open connections",
                config.timeouts().drain().toMillis() / 1000.0,
                clients.size());
        server.close().syncUninterruptibly();
        if (httpsServer != null) {
            httpsServer.close().syncUninterruptibly();
        }
        for (Channel ch : clients) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ClientPipeline.DRAIN));
        }
        // the listener is closed: the group holds every connection there will be, and says when all have closed
        boolean drained = clients.newCloseFuture().awaitUninterruptibly(config.timeouts().drain().toMillis());
        if (!drained) {
            log.warn("drain time over; closing {} connections", clients.size());
        }
        int cutOff = drained ? 0 : clients.size();
        close();
        log.info("stopped: {} connection(s) cut off at the end of the drain", cutOff);
    }

    @Override
    public void close() {
        ready = false;
        if (watcher != null) {
            watcher.close();
        }
        if (fetcher != null) {
            fetcher.close();
        }
        if (certificateWatcher != null) {
            certificateWatcher.close();
        }
        server.close().syncUninterruptibly();
        if (httpsServer != null) {
            httpsServer.close().syncUninterruptibly();
        }
        admin.close();
        clients.close().syncUninterruptibly();
        shutdownGroups();
        registry.close();
        shutdown(reloadPool);
        meters.close();
    }

    private Channel bind(ClientPipeline pipeline, InetSocketAddress address, String listener)
            throws IOException, InterruptedException {
        try {
            return new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(pipeline)
                    .bind(address).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw bindFailure(listener, address, e);
        }
    }

    /**
     * Re-reads the certificates folder: new handshakes use the new set, open connections keep theirs; a folder
     * with any bad pair changes nothing (each problem logged with its file).
     */
    private synchronized void reloadCertificates() {
        try {
            context.certificates(Certificates.load(config.tls().certificates(), config.tls().protocols()));
            bindCertificateExpiry();
            log.info("certificates reloaded: {}", context.certificates().pairs().stream()
                    .map(Certificates.Pair::name).toList());
        } catch (InvalidCertificatesException e) {
            e.errors().forEach(line -> log.error("certificates not reloaded: {}", line));
        }
    }

    /** {@code beian_tls_certificate_expiry_timestamp_seconds{certificate}}, per file of the folder. */
    private void bindCertificateExpiry() {
        for (Certificates.Pair pair : context.certificates().pairs()) {
            String name = pair.name();
            Gauge.builder("beian_tls_certificate_expiry_timestamp_seconds", () -> context.certificates().pairs().stream()
                            .filter(p -> p.name().equals(name)).mapToDouble(p -> p.notAfter().getEpochSecond())
                            .findFirst().orElse(Double.NaN))
                    .description("When each certificate expires")
                    .tag("certificate", name)
                    .register(meters);
        }
    }

    private static void shutdown(ForkJoinPool pool) {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** SPEC §3: a listener that cannot bind says which listener and which address. */
    private static IOException bindFailure(String listener, InetSocketAddress address, Exception e) {
        return new java.net.BindException(listener + " " + address.getHostString() + ":" + address.getPort()
                + ": cannot bind: " + e.getMessage());
    }

    private void shutdownGroups() {
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
