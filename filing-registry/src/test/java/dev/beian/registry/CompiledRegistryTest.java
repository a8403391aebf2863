package dev.beian.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiled form reads back as the registry it was written from, and is ignored whenever it cannot be trusted. */
class CompiledRegistryTest {
    private static final Set<String> UPSTREAMS = Set.of("default", "shop");
    private static final RegistryLoader LOADER = new RegistryLoader(UPSTREAMS, Clock.systemUTC());

    private static final String SMALL = """
            subjects:
              - number: 京ICP备11018762号
                name: 示例科技有限公司
                websites:
                  - number: 京ICP备11018762号-1
                    name: 官网
                    domains: [example.cn, 示例.中国]
                    access: here
                  - number: 京ICP备11018762号-3
                    name: 商城
                    domains: [shop.example.com.cn]
                    access: provisional
                    access-until: 2027-01-10
                    upstream: shop
              - number: 粤B2-20090059
                name: 运营公司
                status: cancelled
                websites:
                  - number: 粤B2-20090059-2
                    name: 官网
                    domains: [yy.cn]
                    access: elsewhere
                    status: cancelled
            """;

    @Test
    void readsBackWhatWasWritten(@TempDir Path dir) throws Exception {
        for (String yaml : new String[] {SMALL, LargeRegistryTest.registry(3_000), "subjects: []\n"}) {
            Registry r = LOADER.parse(yaml.getBytes(StandardCharsets.UTF_8), null);
            Path file = dir.resolve("r.registry");
            CompiledRegistry.write(r, file);
            Registry back = LOADER.openCompiled(file);
            assertNotNull(back);
            assertEquals(RegistryReuseTest.dump(r), RegistryReuseTest.dump(back));
            assertEquals(r.version(), back.version());
            assertEquals(0, back.parsedBytes());
            // lookups work on the index as read, not rebuilt
            for (int d = 0; d < r.domainCount(); d++) {
                String domain = r.domains().domain(d);
                assertEquals(d, back.domains().longestMatch("www." + domain));
            }
        }
    }

    @Test
    void theSameSourceOpensWithoutParsingAndAChangedOneParsesOnlyWhatChanged(@TempDir Path dir) throws Exception {
        String before = LargeRegistryTest.registry(3_000);
        Registry r = LOADER.parse(before.getBytes(StandardCharsets.UTF_8), null);
        Path file = dir.resolve("r.registry");
        CompiledRegistry.write(r, file);
        Registry compiled = LOADER.openCompiled(file);

        Registry same = LOADER.parse(before.getBytes(StandardCharsets.UTF_8), dir.resolve("registry.yaml"), compiled);
        assertEquals(0, same.parsedBytes());
        assertEquals(dir.resolve("registry.yaml"), same.path());
        assertEquals(RegistryReuseTest.dump(r), RegistryReuseTest.dump(same));

        String after = before.replace("[s9.cn, s9.com.cn]", "[s9.cn, s9.com.cn, s9-new.cn]");
        byte[] changed = after.getBytes(StandardCharsets.UTF_8);
        Registry reused = LOADER.parse(changed, null, compiled);
        assertEquals(RegistryReuseTest.dump(LOADER.parse(changed, null)), RegistryReuseTest.dump(reused));
        assertTrue(reused.parsedBytes() > 0 && reused.parsedBytes() < 200, "parsed " + reused.parsedBytes());
        assertSame(compiled.subjects().get(0).number(), reused.subjects().get(0).number());
    }

    @Test
    void anythingUntrustworthyIsIgnored(@TempDir Path dir) throws Exception {
        Registry r = LOADER.parse(SMALL.getBytes(StandardCharsets.UTF_8), null);
        Path file = dir.resolve("r.registry");
        CompiledRegistry.write(r, file);
        byte[] good = Files.readAllBytes(file);

        assertNull(LOADER.openCompiled(dir.resolve("missing.registry")), "missing");
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 9));
        assertNull(LOADER.openCompiled(file), "truncated");
        for (int at : new int[] {0, 40, good.length / 2, good.length - 20, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Files.write(file, bad);
            assertNull(LOADER.openCompiled(file), "a bit flipped at " + at);
        }
        Files.write(file, new byte[0]);
        assertNull(LOADER.openCompiled(file), "empty");

        Files.write(file, good);
        assertNotNull(LOADER.openCompiled(file));
        assertNull(new RegistryLoader(Set.of("default"), Clock.systemUTC()).openCompiled(file),
                "an upstream gateway.yaml no longer defines");
        assertNotNull(new RegistryLoader(null, Clock.systemUTC()).openCompiled(file), "no upstream check asked");
    }

    @Test
    void theDefaultLocationIsAPrivateFolderPerSource(@TempDir Path dir) throws Exception {
        String tmp = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", dir.toString());
        try {
            Path a = CompiledRegistry.defaultLocation(Path.of("/etc/beian/registry.yaml"));
            Path b = CompiledRegistry.defaultLocation(Path.of("/etc/beian/other.yaml"));
            assertNotNull(a);
            assertEquals(a.getParent(), b.getParent());
            assertTrue(!a.equals(b));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.getParent())));
            // a folder others could write to is not used
            Files.setPosixFilePermissions(a.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
            assertNull(CompiledRegistry.defaultLocation(Path.of("/etc/beian/registry.yaml")));
        } finally {
            System.setProperty("java.io.tmpdir", tmp);
        }
    }
}
