package dev.beian.gateway.admin;

import dev.beian.decision.Decision;
import dev.beian.registry.Website;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to "why is my site blocked?": a decision explained with every fact that made it, in the
 * field names of SPEC §8 ({@code /lookup}) and the {@code lookup} command.
 */
public final class LookupView {
    private LookupView() {
    }

    public static Map<String, Object> of(String host, Decision decision) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        if (decision.verdict() == Decision.Verdict.INVALID_HOST) {
            m.put("normalized", null);
            m.put("decision", "invalid");
            m.put("error", decision.problem());
            return m;
        }
        Website w = decision.website();
        m.put("normalized", decision.normalizedHost());
        m.put("decision", decision.isForward() ? "forward" : "block");
        m.put("reason", decision.reason() == null ? null : decision.reason().label());
        m.put("matchedDomain", decision.matchedDomain());
        m.put("websiteNumber", w == null ? null : w.number().toString());
        m.put("subjectNumber", w == null ? null : w.subject().number().toString());
        m.put("access", w == null ? null : w.access().yamlName());
        m.put("accessUntil", w == null || w.accessUntil() == null ? null
                : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        w.accessUntil().atZone(dev.beian.registry.AccessUntil.CHINA).toOffsetDateTime()));
        m.put("upstream", decision.upstream());
        return m;
    }
}
