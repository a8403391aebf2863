package dev.beian.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.decision.BlockReason;
import dev.beian.decision.Decider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three ways a registry file changes in the field, each seen by the watcher and reloaded. */
class RegistryWatcherTest {
    private static final Duration DEBOUNCE = Duration.ofMillis(100);

    private static final class Fixture implements AutoCloseable {
        final RegistryHolder holder;
        final RegistryWatcher watcher;
        final LinkedBlockingQueue<ReloadResult> reloads = new LinkedBlockingQueue<>();

        Fixture(Path file) throws Exception {
            holder = RegistryHolderTest.holder(file);
            holder.addListener(r -> {
                if (r.changed() || !r.success()) {
                    reloads.add(r);
                }
            });
            watcher = RegistryWatcher.start(file, DEBOUNCE, () -> holder.reloadIfChangedAsync("watch"));
        }

        ReloadResult next() throws InterruptedException {
            ReloadResult r = reloads.poll(10, TimeUnit.SECONDS);
            assertTrue(r != null, "no reload within 10 s");
            return r;
        }

        BlockReason reasonFor(String host) {
            return Decider.decideName(holder.current(), host, System.currentTimeMillis()).reason();
        }

        @Override
        public void close() {
            watcher.close();
            holder.close();
        }
    }

    @Test
    void writeInPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, RegistryHolderTest.registry("a.cn", "here"));
        try (Fixture f = new Fixture(file)) {
            assertEquals(null, f.reasonFor("a.cn"));
            Files.writeString(file, RegistryHolderTest.registry("a.cn", "withdrawn"));
            ReloadResult r = f.next();
            assertTrue(r.success());
            assertEquals(BlockReason.NOT_ACCESSED, f.reasonFor("a.cn"));
        }
    }

    @Test
    void writeTempThenRename(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, RegistryHolderTest.registry("a.cn", "here"));
        try (Fixture f = new Fixture(file)) {
            Path tmp = dir.resolve(".registry.yaml.tmp");
            Files.writeString(tmp, RegistryHolderTest.registry("b.cn", "here"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ReloadResult r = f.next();
            assertEquals(java.util.List.of("a.cn"), r.diff().becameBlocked());
            assertEquals(BlockReason.UNFILED, f.reasonFor("a.cn"));
            assertEquals(null, f.reasonFor("b.cn"));
        }
    }

    /** The layout kubelet makes: name → ..data/name, ..data → ..timestamp dir, swapped by renaming a new ..data link over. */
    @Test
    void kubernetesConfigMapSymlinkSwap(@TempDir Path dir) throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_26_00_00_00.000000001"));
        Files.writeString(v1.resolve("registry.yaml"), RegistryHolderTest.registry("a.cn", "here"));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path file = dir.resolve("registry.yaml");
        Files.createSymbolicLink(file, Path.of("..data/registry.yaml"));
        try (Fixture f = new Fixture(file)) {
            assertEquals(null, f.reasonFor("a.cn"));
            Path v2 = Files.createDirectory(dir.resolve("..2026_11_26_00_01_00.000000002"));
            Files.writeString(v2.resolve("registry.yaml"), RegistryHolderTest.registry("a.cn", "here", "b.cn", "here"));
            Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            ReloadResult r = f.next();
            assertEquals(java.util.List.of("b.cn"), r.diff().becameUnblocked());
            assertEquals(null, f.reasonFor("b.cn"));
        }
    }

    @Test
    void anInvalidEditIsReportedAndTheOldRegistryKeepsServing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, RegistryHolderTest.registry("a.cn", "here"));
        try (Fixture f = new Fixture(file)) {
            Files.writeString(file, RegistryHolderTest.registry("a.cn", "sometimes"));
            ReloadResult r = f.next();
            assertEquals(false, r.success());
            assertEquals(8, r.errors().get(0).line());
            assertEquals(null, f.reasonFor("a.cn"));
        }
    }
}
