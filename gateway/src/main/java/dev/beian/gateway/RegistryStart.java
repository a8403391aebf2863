package dev.beian.gateway;

import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.fleet.RegistryFetcher;
import dev.beian.registry.CompiledRegistry;
import dev.beian.registry.InvalidRegistryException;
import dev.beian.registry.RegistryLoader;
import dev.beian.reload.RegistryHolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's first load, apart from the rest of the start: it runs on a thread of its own while the
 * gateway sets up Netty, TLS and its meters (a restart on a compiled registry is mostly class loading and file
 * reading, and the two overlap on two cores); from the compiled form where one is kept; and, for a replica
 * with {@code registry.url} that keeps no copy yet, from the fleet source.
 */
final class RegistryStart {
    private static final Logger log = LoggerFactory.getLogger(RegistryStart.class);

    private RegistryStart() {
    }

    /** The registry in service, and the ETag of the file when it was fetched from registry.url just now. */
    record Started(RegistryHolder holder, String fetchedEtag) {
    }

    /**
     * Where the compiled registry is kept: {@code -Dbeian.compiled-registry=PATH}, {@code =off} for nowhere,
     * else a private folder under the temporary directory ({@link CompiledRegistry#defaultLocation}).
     */
    static Path compiledLocation(Path registry) {
        String chosen = System.getProperty("beian.compiled-registry", "");
        if (chosen.equals("off")) {
            return null;
        }
        Path location = chosen.isEmpty() ? CompiledRegistry.defaultLocation(registry) : Path.of(chosen);
        if (location == null) {
            log.warn("no compiled registry: {}/beian-gateway-{} cannot be made a folder of this user's alone; "
                    + "restarts parse the registry in full (-Dbeian.compiled-registry=PATH to choose a place)",
                    System.getProperty("java.io.tmpdir"), System.getProperty("user.name"));
        }
        return location;
    }

    /**
     * A pool for composing the pieces of one load on every core: the JDK's common pool has one thread fewer
     * than there are cores (one on two). For a load with nothing served yet: the first, or {@code validate}.
     */
    static ForkJoinPool everyCore() {
        return new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    }

    /** The first load, on a thread of its own with all cores to compose on (nothing is served yet). */
    static CompletableFuture<Started> begin(GatewayConfig config, Clock clock, ForkJoinPool reloadPool) {
        CompletableFuture<Started> loading = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            ForkJoinPool firstLoad = everyCore();
            try {
                Path path = config.registry().path();
                RegistryLoader first = new RegistryLoader(config.upstreams().keySet(), clock, firstLoad);
                RegistryLoader reloads = new RegistryLoader(config.upstreams().keySet(), clock, reloadPool);
                if (config.registry().url() != null && !Files.exists(path)) {
                    // a replica's first start: no copy kept yet, so nothing to serve until the source answers
                    log.info("no registry at {} yet: fetching {}", path, config.registry().url());
                    loading.complete(fetchFirst(config, path, first, reloads, clock, "no registry at " + path));
                    return;
                }
                try {
                    loading.complete(new Started(RegistryHolder.load(path, first, reloads, clock,
                            compiledLocation(path)), null));
                } catch (InvalidRegistryException e) {
                    if (config.registry().url() == null) {
                        throw e;
                    }
                    // the copy kept no longer fits this configuration (an upstream it names was removed, say):
                    // the source may already hold the file that does
                    log.warn("the registry kept at {} is not valid for this configuration ({}); fetching {}", path,
                            e.errors().get(0).format(path.toString()), config.registry().url());
                    loading.complete(fetchFirst(config, path, first, reloads, clock,
                            "the registry kept at " + path + " is not valid"));
                }
            } catch (Throwable t) {
                loading.completeExceptionally(t);
            } finally {
                firstLoad.shutdown();
            }
        }, "registry-load");
        thread.setDaemon(true);
        thread.start();
        return loading;
    }

    /** The registry fetched from registry.url, validated, kept at {@code path} and served; or why not. */
    private static Started fetchFirst(GatewayConfig config, Path path, RegistryLoader first, RegistryLoader reloads,
                                      Clock clock, String why) throws IOException, InvalidRegistryException,
            InterruptedException {
        RegistryFetcher.Fetched fetched;
        try {
            fetched = RegistryFetcher.fetchOnce(config.registry().url());
        } catch (IOException e) {
            throw new IOException(why + " and registry.url " + config.registry().url() + " cannot be fetched: "
                    + e.getMessage(), e);
        }
        return new Started(RegistryHolder.loadFetched(fetched.bytes(), config.registry().url().toString(), path,
                first, reloads, clock, compiledLocation(path)), fetched.etag());
    }

    static Started await(CompletableFuture<Started> loading)
            throws IOException, InvalidRegistryException, InterruptedException {
        try {
            return loading.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof InvalidRegistryException invalid) {
                throw invalid;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

}
