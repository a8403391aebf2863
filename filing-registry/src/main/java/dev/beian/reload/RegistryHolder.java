package dev.beian.reload;

import dev.beian.registry.CompiledRegistry;
import dev.beian.registry.InvalidRegistryException;
import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import dev.beian.yaml.YamlError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the registry in service: one volatile reference, read once per request, swapped whole.
 *
 * <p>Reloads run one at a time on a single thread of their own (never an event loop): the file is read,
 * validated whole, and either swapped in, with the diff logged, or rejected, with every error logged and
 * the old registry left serving. Listeners (decision cache, block answers, metrics) hear every outcome.
 */
public final class RegistryHolder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryHolder.class);
    private static final int DIFF_NAMES_LOGGED = 10;

    private final Path path;
    private final RegistryLoader loader;
    private final Clock clock;
    private final List<Consumer<ReloadResult>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService reloadThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "registry-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile Registry current;
    private Path compiled;
    private String compiledVersion;
    private final Object queueLock = new Object();
    private CompletableFuture<ReloadResult> waiting;

    private RegistryHolder(Path path, RegistryLoader loader, Clock clock, Registry initial) {
        this.path = path;
        this.loader = loader;
        this.clock = clock;
        this.current = initial;
    }

    /** Loads the file for the first time; a process should not start on an invalid registry. */
    public static RegistryHolder load(Path path, RegistryLoader loader, Clock clock)
            throws IOException, InvalidRegistryException {
        return load(path, loader, loader, clock);
    }

    /**
     * Like {@link #load(Path, RegistryLoader, Clock)}, with one loader for the first load (nothing served
     * yet: all cores) and another for reloads (while serving: fewer threads, see {@link RegistryLoader}).
     */
    public static RegistryHolder load(Path path, RegistryLoader first, RegistryLoader loader, Clock clock)
            throws IOException, InvalidRegistryException {
        return load(path, first, loader, clock, null);
    }

    /**
     * Like {@link #load(Path, RegistryLoader, RegistryLoader, Clock)}, keeping the compiled form of every
     * registry that goes into service at {@code compiled} (null: none), and starting from it: a restart on
     * the file it last served opens it without parsing, and on a changed file parses only what changed.
     */
    public static RegistryHolder load(Path path, RegistryLoader first, RegistryLoader loader, Clock clock,
                                      Path compiled) throws IOException, InvalidRegistryException {
        long start = System.nanoTime();
        Registry stored = compiled == null ? null : first.openCompiled(compiled);
        boolean opened = stored != null && RegistryLoader.version(path).equals(stored.version());
        // unchanged since compiled: not even read whole (a 50 MB array the heap would grow for)
        Registry registry = opened ? first.reopen(stored, path) : first.parse(Files.readAllBytes(path), path, stored);
        log.info("registry loaded from {}{} in {} ms: version {}, {} subjects, {} websites, {} domains", path,
                opened ? " (its compiled form " + compiled + ")" : stored != null ? " (changed subjects parsed, "
                        + "the rest from its compiled form)" : "", (System.nanoTime() - start) / 1_000_000,
                registry.version(), registry.subjectCount(), registry.websiteCount(), registry.domainCount());
        RegistryHolder holder = new RegistryHolder(path, loader, clock, registry);
        holder.compiled = compiled;
        holder.compiledVersion = opened ? registry.version() : null;
        holder.reloadThread.execute(holder::storeCompiled);
        return holder;
    }

    /**
     * The first load of a registry fetched from {@code source} (SPEC §11) because no copy is kept at
     * {@code path} yet: validated, then kept at {@code path} (so a restart without the source still serves),
     * then served. An invalid file is never kept.
     */
    public static RegistryHolder loadFetched(byte[] bytes, String source, Path path, RegistryLoader first,
                                             RegistryLoader loader, Clock clock, Path compiled)
            throws IOException, InvalidRegistryException {
        long start = System.nanoTime();
        Registry registry = first.parse(bytes, path, null);
        writeAtomically(path, bytes);
        log.info("registry loaded from {} (kept at {}) in {} ms: version {}, {} subjects, {} websites, {} domains",
                source, path, (System.nanoTime() - start) / 1_000_000, registry.version(), registry.subjectCount(),
                registry.websiteCount(), registry.domainCount());
        RegistryHolder holder = new RegistryHolder(path, loader, clock, registry);
        holder.compiled = compiled;
        holder.reloadThread.execute(holder::storeCompiled);
        return holder;
    }

    /** Keeps the compiled form of the registry in service, if it is not kept already; on the reload thread. */
    private void storeCompiled() {
        Registry registry = current;
        if (compiled == null || registry.version().equals(compiledVersion)) {
            return;
        }
        try {
            long start = System.nanoTime();
            CompiledRegistry.write(registry, compiled);
            compiledVersion = registry.version();
            log.info("registry version {} compiled to {} in {} ms", registry.version(), compiled,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            log.warn("registry not compiled to {} ({}); restarts will parse it in full", compiled, e.toString());
        }
    }

    /** The registry in service. Read it once per request. */
    public Registry current() {
        return current;
    }

    public Path path() {
        return path;
    }

    /** Hears every reload outcome, on the reload thread, after the swap. */
    public void addListener(Consumer<ReloadResult> listener) {
        listeners.add(listener);
    }

    /**
     * Reloads on the reload thread; {@code trigger} names the cause in the log. Requests that arrive while
     * one is still waiting to start share it (it will read the file after they were made), so a burst of
     * file events, POSTs or signals costs at most one reload running and one waiting.
     */
    public CompletableFuture<ReloadResult> reloadAsync(String trigger) {
        return enqueue(trigger, false);
    }

    /** Like {@link #reloadAsync}, but a file whose bytes equal the registry in service changes nothing. */
    public CompletableFuture<ReloadResult> reloadIfChangedAsync(String trigger) {
        return enqueue(trigger, true);
    }

    private CompletableFuture<ReloadResult> enqueue(String trigger, boolean onlyIfChanged) {
        synchronized (queueLock) {
            if (waiting != null) {
                return waiting;
            }
            CompletableFuture<ReloadResult> future = new CompletableFuture<>();
            waiting = future;
            reloadThread.execute(() -> {
                synchronized (queueLock) {
                    if (waiting == future) {
                        waiting = null;
                    }
                }
                try {
                    future.complete(reload(trigger, onlyIfChanged));
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                }
            });
            return future;
        }
    }

    /** Loads, validates and swaps, on the calling thread. Never throws for a bad file. */
    public synchronized ReloadResult reload(String trigger, boolean onlyIfChanged) {
        try {
            if (onlyIfChanged && RegistryLoader.version(path).equals(current.version())) {
                return unchanged();
            }
            return swapIn(Files.readAllBytes(path), trigger, path.toString(), false);
        } catch (NoSuchFileException e) {
            return failed(trigger, path + " does not exist", "file does not exist: " + path);
        } catch (IOException | RuntimeException e) {
            return failed(trigger, e.toString(), "cannot read " + path + ": " + e);
        }
    }

    /**
     * Validates {@code bytes} fetched from {@code source} (a URL) and, when valid, keeps them at the
     * registry's path (written whole to a temporary file, then renamed over it, so that a restart without
     * the source serves the last valid copy) and swaps them in; on the calling thread. Bytes equal to the
     * registry in service change nothing. An invalid file is rejected as a local one would be.
     */
    public synchronized ReloadResult offer(byte[] bytes, String trigger, String source) {
        return swapIn(bytes, trigger, source, true);
    }

    /**
     * Tells the listeners that a reload could not even read a file (a fetch that failed), on the calling
     * thread; logged only when {@code log} (a caller that repeats every few seconds says when it logs).
     */
    public synchronized ReloadResult reportFailure(String trigger, String message, boolean log) {
        if (log) {
            return failed(trigger, message, message);
        }
        return failure(message);
    }

    /** {@code fetched}: bytes from a fleet source, kept at the path when valid and new. */
    private ReloadResult swapIn(byte[] bytes, String trigger, String source, boolean fetched) {
        Registry before = current;
        ReloadResult result;
        long allocatedBefore = Allocation.ofThisThread();
        try {
            Registry after = loader.parse(bytes, path, before); // only the subjects that changed are parsed
            if (fetched && after.version().equals(before.version())) {
                return unchanged(); // the bytes in service again (the parse hashed them once, and stopped there)
            }
            if (fetched) {
                writeAtomically(path, bytes);
            }
            bytes = null; // neither the file nor the old registry outlives the swap (listeners may collect)
            RegistryDiff diff = RegistryDiff.between(before, after, clock.millis());
            before = null;
            current = after;
            log.info("registry reloaded ({}) from {}: version {}, {} subjects, {} websites, {} domains "
                    + "({} KB of YAML parsed, {} MB allocated); {}", trigger, source, after.version(),
                    after.subjectCount(), after.websiteCount(), after.domainCount(), after.parsedBytes() >> 10,
                    (Allocation.ofThisThread() - allocatedBefore) >> 20, diff.summary(DIFF_NAMES_LOGGED));
            result = new ReloadResult(after, true, diff, List.of(), false);
        } catch (InvalidRegistryException e) {
            log.warn("registry reload ({}) rejected, {} error(s); version {} keeps serving", trigger,
                    e.errors().size(), current.version());
            for (YamlError error : e.errors()) {
                log.warn("  {}", error.format(source));
            }
            result = new ReloadResult(current, false, RegistryDiff.NONE, e.errors(), true);
        } catch (IOException | RuntimeException e) {
            return failed(trigger, e.toString(), "cannot keep a copy at " + path + ": " + e);
        }
        notifyListeners(result);
        if (result.changed()) {
            storeCompiled();
        }
        return result;
    }

    /** Written whole to a temporary file beside {@code path}, forced to disk, then renamed over it. */
    private static void writeAtomically(Path path, byte[] bytes) throws IOException {
        Path folder = path.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, "." + path.getFileName(), ".part");
        try {
            Files.write(temporary, bytes);
            try (FileChannel channel = FileChannel.open(temporary,
                    StandardOpenOption.WRITE)) {
                channel.force(true); // on disk before it is renamed into place: a crash leaves old or new
            }
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private ReloadResult unchanged() {
        ReloadResult result = new ReloadResult(current, false, RegistryDiff.NONE, List.of(), false);
        notifyListeners(result);
        return result;
    }

    private ReloadResult failed(String trigger, String logged, String error) {
        log.warn("registry reload ({}) failed: {}; version {} keeps serving", trigger, logged, current.version());
        return failure(error);
    }

    /** A reload that read no file: the registry in service stays; the listeners hear it. */
    private ReloadResult failure(String error) {
        ReloadResult result = new ReloadResult(current, false, RegistryDiff.NONE,
                List.of(new YamlError(1, 1, error)), false);
        notifyListeners(result);
        return result;
    }

    private void notifyListeners(ReloadResult result) {
        for (Consumer<ReloadResult> listener : listeners) {
            try {
                listener.accept(result);
            } catch (RuntimeException e) {
                log.error("registry listener failed", e);
            }
        }
    }

    /**
     * Stops the reload thread: queued reloads are dropped, and a reload or compile under way is interrupted
     * and waited for (up to 5 s: a stop is bounded by timeouts.drain plus this), so that nothing writes beside the registry after close returns.
     */
    @Override
    public void close() {
        reloadThread.shutdownNow();
        try {
            if (!reloadThread.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("the registry reload thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
