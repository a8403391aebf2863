package dev.beian.decision;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.beian.host.DomainIndex;
import dev.beian.host.HostNormalizer;
import dev.beian.host.NormalizedHost;
import dev.beian.registry.Access;
import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import dev.beian.registry.Website;
import java.time.Clock;

/**
 * Decides a raw host value under a registry (SPEC §6 steps 2-4), with a bounded Caffeine cache of
 * raw host → decision in front.
 *
 * <p>Every cached decision remembers the registry it was made under, and a hit made under another
 * registry counts as a miss: so a request that was decided on the old registry and stores its answer
 * after a swap can never put a stale decision in front of later requests. {@link #registryChanged()}
 * empties the cache to free the memory at once. Provisional access carries its end time in the
 * decision, so a cached "forward" turns into a block the moment access ends.
 */
public final class Decider {
    /** The name the cache is reported under (Micrometer's {@code cache} tag). */
    public static final String CACHE_NAME = "host_decisions";

    private final Clock clock;
    private final boolean forwardIpHosts;
    private final Cache<String, Cached> cache;

    /**
     * @param maximumSize    cache bound ({@code cache.maximum-size}); 0 disables caching
     * @param forwardIpHosts {@code ip-hosts: forward}: IP literals go to upstream {@code default}
     */
    public Decider(Clock clock, long maximumSize, boolean forwardIpHosts) {
        this.clock = clock;
        this.forwardIpHosts = forwardIpHosts;
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).recordStats().executor(Runnable::run).build();
    }

    /** The cache, for metrics bindings. */
    public Cache<String, ?> cache() {
        return cache;
    }

    /** Forgets every cached decision; call after a registry swap. */
    public void registryChanged() {
        cache.invalidateAll();
    }

    /** The decision for {@code rawHost} (a Host value or authority) under {@code registry}. */
    public Decision decide(Registry registry, String rawHost) {
        if (rawHost == null) {
            return decideUncached(registry, null, clock.millis());
        }
        // get with a loader, not getIfPresent and put: Caffeine counts a load per entry made, which is what
        // Micrometer reports as cache_puts_total (a put of its own is counted nowhere)
        Cached cached = cache.get(rawHost, host -> new Cached(registry, decideUncached(registry, host, clock.millis())));
        if (cached.registry == registry
                && (cached.decision.validUntilMillis() == Long.MAX_VALUE || !cached.decision.isStaleAt(clock.millis()))) {
            return cached.decision;
        }
        // made under another registry (a request that began before a swap), or past its access-until
        Decision decision = decideUncached(registry, rawHost, clock.millis());
        cache.put(rawHost, new Cached(registry, decision));
        return decision;
    }

    /** The decision without the cache; for {@code /lookup}, tests and diffs. */
    public Decision decideUncached(Registry registry, String rawHost, long nowMillis) {
        NormalizedHost host = HostNormalizer.normalizeAuthority(rawHost);
        if (!host.isValid()) {
            return Decision.invalid(host.problem());
        }
        if (host.isIpLiteral()) {
            return forwardIpHosts
                    ? Decision.forward(host.value(), null, null, Registry.DEFAULT_UPSTREAM, Long.MAX_VALUE)
                    : Decision.block(BlockReason.UNFILED, host.value(), null, null);
        }
        return decideName(registry, host.value(), nowMillis);
    }

    /** Steps 3-4 for a normalised host name. */
    public static Decision decideName(Registry registry, String host, long nowMillis) {
        DomainIndex index = registry.domains();
        int at = index.longestMatch(host);
        if (at < 0) {
            return Decision.block(BlockReason.UNFILED, host, null, null);
        }
        Website website = registry.websiteOfDomain(at);
        String domain = index.domain(at);
        if (website.isCancelled()) {
            return Decision.block(BlockReason.CANCELLED, host, domain, website);
        }
        Access access = website.access();
        if (access == Access.ELSEWHERE || access == Access.WITHDRAWN) {
            return Decision.block(BlockReason.NOT_ACCESSED, host, domain, website);
        }
        long until = Long.MAX_VALUE;
        if (access == Access.PROVISIONAL) {
            until = website.accessUntil().toEpochMilli();
            if (nowMillis >= until) {
                return Decision.block(BlockReason.NOT_ACCESSED, host, domain, website);
            }
        }
        return Decision.forward(host, domain, website, website.upstream(), until);
    }

    /** A decision and the registry it was made under. */
    private record Cached(Registry registry, Decision decision) {
    }
}
