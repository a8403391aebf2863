package dev.beian.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.beian.registry.InvalidRegistryException;
import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import dev.beian.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One test per row of the lifecycle table in SPEC §1, and the cache's promises. */
class DeciderTest {
    static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    static final String REGISTRY = """
            subjects:
              - number: 京ICP备11018762号
                name: 示例科技有限公司
                websites:
                  - number: 京ICP备11018762号-1        # filing issued here / 接入备案 completed
                    name: 官网
                    domains: [example.cn, 示例.中国]
                    access: here
                  - number: 京ICP备11018762号-2        # 接入备案 passed first review
                    name: 商城
                    domains: [shop.example.cn]
                    access: provisional
                    access-until: 2027-01-10
                    upstream: shop
                  - number: 京ICP备11018762号-3        # filed at another provider only
                    name: 别处
                    domains: [elsewhere.cn]
                    access: elsewhere
                  - number: 京ICP备11018762号-4        # 取消接入
                    name: 撤
                    domains: [withdrawn.cn]
                    access: withdrawn
                  - number: 京ICP备11018762号-5        # 注销网站
                    name: 注销
                    domains: [gone.example.cn]
                    access: here
                    status: cancelled
                  - number: 京ICP备11018762号-6        # provisional, already past
                    name: 过期
                    domains: [expired.cn]
                    access: provisional
                    access-until: 2026-12-01T12:00:00
              - number: 沪ICP备12345678号               # 注销主体
                name: 已注销公司
                status: cancelled
                websites:
                  - number: 沪ICP备12345678号-1
                    name: 站
                    domains: [cancelled-subject.cn]
                    access: here
            """;

    static Registry registry(String yaml) throws InvalidRegistryException {
        return new RegistryLoader(Set.of("default", "shop"), java.time.Clock.systemUTC())
                .parse(yaml.getBytes(StandardCharsets.UTF_8), null);
    }

    /** lifecycle row, raw host, verdict, reason, matched domain, upstream. */
    static Stream<Arguments> lifecycle() {
        return Stream.of(
                Arguments.of("首次备案 in progress: nothing yet", "new-site.cn", "BLOCK", BlockReason.UNFILED, null, null),
                Arguments.of("issued here / 接入备案 completed", "example.cn", "FORWARD", null, "example.cn", "default"),
                Arguments.of("subdomain of a filed domain", "a.b.example.cn:8443", "FORWARD", null, "example.cn", "default"),
                Arguments.of("IDN host in Unicode", "www.示例.中国", "FORWARD", null, "xn--fsq092h.xn--fiqs8s", "default"),
                Arguments.of("label boundary", "badexample.cn", "BLOCK", BlockReason.UNFILED, null, null),
                Arguments.of("provisional before access-until", "shop.example.cn", "FORWARD", null, "shop.example.cn", "shop"),
                Arguments.of("provisional past access-until", "expired.cn", "BLOCK", BlockReason.NOT_ACCESSED, "expired.cn", null),
                Arguments.of("filed at another provider only", "elsewhere.cn", "BLOCK", BlockReason.NOT_ACCESSED, "elsewhere.cn", null),
                Arguments.of("取消接入", "www.withdrawn.cn", "BLOCK", BlockReason.NOT_ACCESSED, "withdrawn.cn", null),
                Arguments.of("注销网站", "gone.example.cn", "BLOCK", BlockReason.CANCELLED, "gone.example.cn", null),
                Arguments.of("注销网站 covers its subdomains", "x.gone.example.cn", "BLOCK", BlockReason.CANCELLED, "gone.example.cn", null),
                Arguments.of("注销主体", "cancelled-subject.cn", "BLOCK", BlockReason.CANCELLED, "cancelled-subject.cn", null),
                Arguments.of("bare IPv4 forwards by default", "10.1.2.3:80", "FORWARD", null, null, "default"),
                Arguments.of("bare IPv6 forwards by default", "[::1]", "FORWARD", null, null, "default"),
                Arguments.of("invalid host", "exa mple.cn", "INVALID_HOST", null, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifecycle")
    void decidesEachLifecycleRow(String row, String host, String verdict, BlockReason reason, String matched,
                                 String upstream) throws Exception {
        Decider decider = new Decider(new MutableClock(NOW), 100, true);
        Decision d = decider.decide(registry(REGISTRY), host);
        assertEquals(Decision.Verdict.valueOf(verdict), d.verdict(), d::toString);
        assertEquals(reason, d.reason());
        assertEquals(matched, d.matchedDomain());
        assertEquals(upstream, d.upstream());
    }

    @Test
    void editedEntryDecidesAsItNowSays() throws Exception {
        // 变更备案: the same website, access changed from elsewhere to here
        Decider decider = new Decider(new MutableClock(NOW), 100, true);
        Registry before = registry(REGISTRY);
        Registry after = registry(REGISTRY.replace("access: elsewhere", "access: here"));
        assertEquals(BlockReason.NOT_ACCESSED, decider.decide(before, "elsewhere.cn").reason());
        assertEquals(Decision.Verdict.FORWARD, decider.decide(after, "elsewhere.cn").verdict());
    }

    @Test
    void ipHostsBlockWhenConfigured() throws Exception {
        Decision d = new Decider(new MutableClock(NOW), 100, false).decide(registry(REGISTRY), "192.0.2.1");
        assertEquals(Decision.Verdict.BLOCK, d.verdict());
        assertEquals(BlockReason.UNFILED, d.reason());
    }

    @Test
    void provisionalAccessEndsAtItsInstantEvenWhenCached() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2027-01-10T15:59:59Z"));
        Decider decider = new Decider(clock, 100, true);
        Registry r = registry(REGISTRY);
        Decision before = decider.decide(r, "shop.example.cn");
        assertEquals(Decision.Verdict.FORWARD, before.verdict());
        assertEquals(Instant.parse("2027-01-10T16:00:00Z"), before.validUntil());
        assertSame(before, decider.decide(r, "shop.example.cn"), "cached");
        clock.advance(Duration.ofSeconds(1)); // midnight after 10 Jan, Beijing time
        Decision after = decider.decide(r, "shop.example.cn");
        assertEquals(BlockReason.NOT_ACCESSED, after.reason());
    }

    @Test
    void aDecisionCachedUnderAnotherRegistryIsNeverServed() throws Exception {
        Decider decider = new Decider(new MutableClock(NOW), 100, true);
        Registry before = registry(REGISTRY);
        Registry after = registry(REGISTRY.replace("domains: [example.cn, 示例.中国]", "domains: [示例.中国]"));
        assertEquals(Decision.Verdict.FORWARD, decider.decide(before, "example.cn").verdict());
        // no registryChanged() call: a request decided on the old registry may store after the swap
        assertEquals(BlockReason.UNFILED, decider.decide(after, "example.cn").reason());
    }

    @Test
    void cacheHitsAreCountedAndEmptiedOnRegistryChange() throws Exception {
        Decider decider = new Decider(new MutableClock(NOW), 100, true);
        Registry r = registry(REGISTRY);
        Decision first = decider.decide(r, "example.cn");
        assertSame(first, decider.decide(r, "example.cn"));
        assertEquals(1, decider.cache().stats().hitCount());
        assertEquals(1, decider.cache().estimatedSize());
        decider.registryChanged();
        assertEquals(0, decider.cache().estimatedSize());
        assertNotSame(first, decider.decide(r, "example.cn"));
    }

    @Test
    void cacheIsBounded() throws Exception {
        Decider decider = new Decider(new MutableClock(NOW), 50, true);
        Registry r = registry(REGISTRY);
        for (int i = 0; i < 1000; i++) {
            decider.decide(r, "h" + i + ".example.cn");
        }
        decider.cache().cleanUp();
        assertEquals(true, decider.cache().estimatedSize() <= 50, "size " + decider.cache().estimatedSize());
    }

    @Test
    void unfiledHasNoMatchedEntry() throws Exception {
        Decision d = new Decider(new MutableClock(NOW), 10, true).decide(registry(REGISTRY), "Unfiled.Example.ORG.");
        assertEquals("unfiled.example.org", d.normalizedHost());
        assertNull(d.website());
        assertNull(d.upstream());
    }
}
