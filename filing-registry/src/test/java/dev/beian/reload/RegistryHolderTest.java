package dev.beian.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import dev.beian.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryHolderTest {
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2027-01-01T00:00:00Z"));

    static String registry(String... domainsAndAccess) {
        StringBuilder sb = new StringBuilder("subjects:\n  - number: 京ICP备11018762号\n    name: s\n    websites:\n");
        for (int i = 0; i < domainsAndAccess.length; i += 2) {
            sb.append("      - number: 京ICP备11018762号-").append(i / 2 + 1).append('\n')
                    .append("        name: w\n")
                    .append("        domains: [").append(domainsAndAccess[i]).append("]\n")
                    .append("        access: ").append(domainsAndAccess[i + 1]).append('\n');
        }
        return sb.toString();
    }

    static RegistryHolder holder(Path file) throws Exception {
        return RegistryHolder.load(file, new RegistryLoader(Set.of("default"), CLOCK), CLOCK);
    }

    @Test
    void swapsAValidFileAndReportsTheDiff(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, registry("a.cn", "here", "b.cn", "here", "c.cn", "elsewhere"));
        try (RegistryHolder holder = holder(file)) {
            List<ReloadResult> heard = new ArrayList<>();
            holder.addListener(heard::add);
            Registry before = holder.current();
            Files.writeString(file, registry("a.cn", "here", "b.cn", "withdrawn", "c.cn", "here", "d.cn", "here"));
            ReloadResult result = holder.reloadAsync("test").get();
            assertTrue(result.success());
            assertTrue(result.changed());
            assertEquals(List.of("b.cn"), result.diff().becameBlocked());
            assertEquals(List.of("c.cn", "d.cn"), result.diff().becameUnblocked());
            assertSame(result.registry(), holder.current());
            assertFalse(before.version().equals(holder.current().version()));
            assertEquals(List.of(result), heard);
        }
    }

    @Test
    void aRestartOpensTheCompiledFormOfTheFileItLastServed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Path compiled = dir.resolve("compiled/registry.bin");
        Files.createDirectories(compiled.getParent());
        RegistryLoader loader = new RegistryLoader(Set.of("default"), CLOCK);
        Files.writeString(file, registry("a.cn", "here", "b.cn", "elsewhere"));
        String first;
        try (RegistryHolder holder = RegistryHolder.load(file, loader, loader, CLOCK, compiled)) {
            assertTrue(holder.current().parsedBytes() > 0, "nothing compiled yet: parsed");
            first = holder.current().version();
            holder.reloadAsync("settle").get(); // runs after the compile task on the reload thread
            assertTrue(Files.size(compiled) > 0);
        }
        try (RegistryHolder holder = RegistryHolder.load(file, loader, loader, CLOCK, compiled)) {
            assertEquals(0, holder.current().parsedBytes(), "opened compiled");
            assertEquals(first, holder.current().version());
            assertEquals(file, holder.current().path());
            assertTrue(holder.current().website("a.cn") != null);
            Files.writeString(file, registry("a.cn", "here", "b.cn", "here"));
            assertTrue(holder.reloadAsync("edit").get().changed());
            holder.reloadAsync("settle").get();
        }
        // the compiled form followed the reload
        Registry reopened = loader.openCompiled(compiled);
        assertEquals(RegistryLoader.version(file), reopened.version());
        // a compiled form that cannot be trusted is ignored: the file is parsed
        Files.write(compiled, new byte[] {1, 2, 3});
        try (RegistryHolder holder = RegistryHolder.load(file, loader, loader, CLOCK, compiled)) {
            assertTrue(holder.current().parsedBytes() > 0);
            assertEquals(RegistryLoader.version(file), holder.current().version());
        }
    }

    @Test
    void anInvalidFileChangesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, registry("a.cn", "here"));
        try (RegistryHolder holder = holder(file)) {
            Registry before = holder.current();
            Files.writeString(file, registry("a.cn", "here", "com.cn", "here"));
            ReloadResult result = holder.reload("test", false);
            assertFalse(result.success());
            assertFalse(result.changed());
            assertEquals(1, result.errors().size());
            assertEquals(11, result.errors().get(0).line());
            assertSame(before, holder.current());
            assertSame(before, result.registry());

            Files.delete(file);
            ReloadResult missing = holder.reload("test", false);
            assertFalse(missing.success());
            assertTrue(missing.errors().get(0).message().contains("does not exist"));
            assertSame(before, holder.current());
        }
    }

    @Test
    void diffSeesParentsAndRemovals(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, registry("example.cn", "here", "shop.example.cn", "elsewhere", "old.cn", "here"));
        try (RegistryHolder holder = holder(file)) {
            // shop.example.cn removed: now decided by example.cn (forward); old.cn removed: unfiled
            Files.writeString(file, registry("example.cn", "here"));
            ReloadResult result = holder.reload("test", false);
            assertEquals(List.of("old.cn"), result.diff().becameBlocked());
            assertEquals(List.of("shop.example.cn"), result.diff().becameUnblocked());
            assertEquals("1 became blocked [old.cn], 1 became unblocked [shop.example.cn]", result.diff().summary(10));
        }
    }

    @Test
    void aBurstOfReloadRequestsIsCoalesced(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, registry("a.cn", "here"));
        try (RegistryHolder holder = holder(file)) {
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            holder.addListener(r -> {
                runs.incrementAndGet();
                try {
                    release.await(); // hold the reload thread: the next requests must wait
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<java.util.concurrent.CompletableFuture<ReloadResult>> futures = new ArrayList<>();
            futures.add(holder.reloadAsync("first"));
            while (runs.get() == 0) {
                Thread.sleep(5);
            }
            for (int i = 0; i < 20; i++) {
                futures.add(i % 2 == 0 ? holder.reloadAsync("burst") : holder.reloadIfChangedAsync("burst"));
            }
            release.countDown();
            for (var f : futures) {
                assertTrue(f.get().success());
            }
            assertEquals(2, runs.get(), "one running, one for the whole burst");
            assertSame(futures.get(1).get(), futures.get(20).get());
        }
    }

    @Test
    void unchangedBytesAreNotReloadedByTheWatcherPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.write(file, registry("a.cn", "here").getBytes(StandardCharsets.UTF_8));
        try (RegistryHolder holder = holder(file)) {
            Registry before = holder.current();
            ReloadResult result = holder.reloadIfChangedAsync("watch").get();
            assertFalse(result.changed());
            assertSame(before, holder.current());
        }
    }
}
