package dev.beian.reload;

import dev.beian.host.DomainIndex;
import dev.beian.registry.Registry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which registry domains a swap blocks and which it unblocks, judged at one instant: every domain named
 * by either registry is decided under both, so a removed domain, a cancelled subject, a withdrawn access
 * or a changed parent entry all show up as what they do at the edge.
 */
public record RegistryDiff(List<String> becameBlocked, List<String> becameUnblocked) {

    public static final RegistryDiff NONE = new RegistryDiff(List.of(), List.of());

    public static RegistryDiff between(Registry before, Registry after, long nowMillis) {
        List<String> blocked = new ArrayList<>();
        List<String> unblocked = new ArrayList<>();
        DomainIndex old = before.domains();
        DomainIndex now = after.domains();
        for (int d = 0; d < old.size(); d++) {
            int in = now.longestMatch(old.bytes(), old.start(d), old.start(d + 1));
            judge(before.isServedHere(d, nowMillis), in >= 0 && after.isServedHere(in, nowMillis), old, d,
                    blocked, unblocked);
        }
        for (int d = 0; d < now.size(); d++) {
            if (old.find(now.bytes(), now.start(d), now.start(d + 1)) < 0) { // those in both were judged above
                int was = old.longestMatch(now.bytes(), now.start(d), now.start(d + 1));
                judge(was >= 0 && before.isServedHere(was, nowMillis), after.isServedHere(d, nowMillis), now, d,
                        blocked, unblocked);
            }
        }
        Collections.sort(blocked);
        Collections.sort(unblocked);
        return new RegistryDiff(List.copyOf(blocked), List.copyOf(unblocked));
    }

    /**
     * Every domain is judged this way, a million of them per reload: by position, without a string or a
     * decision made unless the answer changed.
     */
    private static void judge(boolean was, boolean is, DomainIndex index, int domain, List<String> blocked,
                              List<String> unblocked) {
        if (was && !is) {
            blocked.add(index.domain(domain));
        } else if (!was && is) {
            unblocked.add(index.domain(domain));
        }
    }

    /** {@code 2 became blocked [a.cn, b.cn], 0 became unblocked []}, naming at most {@code limit} of each. */
    public String summary(int limit) {
        return becameBlocked.size() + " became blocked " + head(becameBlocked, limit) + ", "
                + becameUnblocked.size() + " became unblocked " + head(becameUnblocked, limit);
    }

    private static String head(List<String> domains, int limit) {
        if (domains.size() <= limit) {
            return domains.toString();
        }
        return domains.subList(0, limit).toString().replace("]", ", …]");
    }
}
