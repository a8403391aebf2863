package dev.beian.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the registry file's folder and calls back, debounced, when the file may have changed.
 *
 * <p>The folder is watched, not the file, because the three ways admins and platforms change it all
 * replace or re-point the name rather than write through it: write in place (MODIFY of the name),
 * write-temp-then-rename (CREATE of the name), and the Kubernetes ConfigMap swap, where the name is a
 * symlink into {@code ..data}, itself a symlink renamed over atomically (CREATE of {@code ..data}).
 * Events for other names (editor swap files, the temp file itself) are ignored. Bursts of events within
 * the debounce window become one callback, so a file is not read while it is still being written.
 */
public final class RegistryWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RegistryWatcher.class);

    private final Path directory;
    private final Path fileName;
    private final Duration debounce;
    private final Runnable onChange;
    private final WatchService watchService;
    private final ScheduledExecutorService scheduler;
    private final Thread thread;
    private ScheduledFuture<?> pending;

    /** {@code fileName} null: every name in {@code directory} counts (a folder of certificates). */
    private RegistryWatcher(Path directory, Path fileName, Duration debounce, Runnable onChange) throws IOException {
        this.directory = directory;
        this.fileName = fileName;
        this.debounce = debounce;
        this.onChange = onChange;
        this.watchService = FileSystems.getDefault().newWatchService();
        directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "registry-watch-debounce");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "registry-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching {@code file}'s folder; {@code onChange} runs on a thread of the watcher's own. */
    public static RegistryWatcher start(Path file, Duration debounce, Runnable onChange) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        RegistryWatcher watcher = new RegistryWatcher(absolute.getParent(), absolute.getFileName(), debounce, onChange);
        watcher.thread.start();
        log.info("watching {} for changes to {}", watcher.directory, watcher.fileName);
        return watcher;
    }

    /** Starts watching every file of {@code folder} (and its ConfigMap {@code ..data} swap). */
    public static RegistryWatcher startFolder(Path folder, Duration debounce, Runnable onChange) throws IOException {
        RegistryWatcher watcher = new RegistryWatcher(folder.toAbsolutePath().normalize(), null, debounce, onChange);
        watcher.thread.start();
        log.info("watching {} for changes", watcher.directory);
        return watcher;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        relevant = true;
                    } else if (event.context() instanceof Path name && isRelevant(name)) {
                        relevant = true;
                    }
                }
                if (relevant) {
                    schedule();
                }
                if (!key.reset()) {
                    log.warn("registry folder {} is no longer watchable; file changes will not reload", directory);
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private boolean isRelevant(Path name) {
        return fileName == null || name.equals(fileName) || name.toString().equals("..data");
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(() -> {
            try {
                onChange.run();
            } catch (RuntimeException e) {
                log.error("registry change handler failed", e);
            }
        }, debounce.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            watchService.close();
        } catch (IOException e) {
            log.debug("closing watch service", e);
        }
        scheduler.shutdownNow();
    }
}
