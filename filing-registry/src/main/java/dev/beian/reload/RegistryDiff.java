package dev.beian.reload;

import dev.beian.decision.Decider;
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
        before.domains().forEach((domain, website) -> judge(before, after, domain, nowMillis, blocked, unblocked));
        after.domains().forEach((domain, website) -> {
            if (before.domains().get(domain) == null) { // those in both were judged above
                judge(before, after, domain, nowMillis, blocked, unblocked);
            }
        });
        Collections.sort(blocked);
        Collections.sort(unblocked);
        return new RegistryDiff(List.copyOf(blocked), List.copyOf(unblocked));
    }

    private static void judge(Registry before, Registry after, String domain, long nowMillis,
                              List<String> blocked, List<String> unblocked) {
        boolean was = Decider.decideName(before, domain, nowMillis).isForward();
        boolean is = Decider.decideName(after, domain, nowMillis).isForward();
        if (was && !is) {
            blocked.add(domain);
        } else if (!was && is) {
            unblocked.add(domain);
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
