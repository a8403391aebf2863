package dev.beian.gateway.admin;

import dev.beian.yaml.YamlError;
import dev.beian.decision.Decider;
import dev.beian.registry.Registry;
import dev.beian.reload.RegistryHolder;
import dev.beian.reload.ReloadResult;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** What the admin endpoints know and do, apart from HTTP. */
public final class AdminEndpoints {
    private final RegistryHolder holder;
    private final Decider decider;
    private final PrometheusMeterRegistry meters;
    private final BooleanSupplier ready;
    private final byte[] token;

    public AdminEndpoints(RegistryHolder holder, Decider decider, PrometheusMeterRegistry meters,
                          BooleanSupplier ready, String token) {
        this.holder = holder;
        this.decider = decider;
        this.meters = meters;
        this.ready = ready;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** True when no token is set, or {@code authorization} is {@code Bearer <token>}; compared in constant time. */
    boolean authorized(String authorization) {
        if (token == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
    }

    boolean ready() {
        return ready.getAsBoolean();
    }

    String scrape() {
        return meters.scrape();
    }

    Map<String, Object> registry() {
        return describe(holder.current());
    }

    static Map<String, Object> describe(Registry r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", r.version());
        m.put("loadedAt", DateTimeFormatter.ISO_INSTANT.format(r.loadedAt()));
        m.put("path", r.path() == null ? null : r.path().toString());
        m.put("subjects", r.subjectCount());
        m.put("websites", r.websiteCount());
        m.put("domains", r.domainCount());
        return m;
    }

    Map<String, Object> lookup(String host) {
        return LookupView.of(host, decider.decideUncached(holder.current(), host, System.currentTimeMillis()));
    }

    CompletableFuture<ReloadResult> reload() {
        return holder.reloadAsync("POST /reload");
    }

    static Map<String, Object> reloadAnswer(ReloadResult result) {
        if (result.success()) {
            Map<String, Object> m = describe(result.registry());
            m.put("becameBlocked", result.diff().becameBlocked().size());
            m.put("becameUnblocked", result.diff().becameUnblocked().size());
            return m;
        }
        List<Object> errors = new ArrayList<>();
        for (YamlError e : result.errors()) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("line", e.line());
            error.put("column", e.column());
            error.put("message", e.message());
            errors.add(error);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errors", errors);
        return m;
    }
}
