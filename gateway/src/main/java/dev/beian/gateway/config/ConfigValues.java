package dev.beian.gateway.config;

import dev.beian.yaml.NodeReader;
import dev.beian.yaml.YamlError;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * How gateway.yaml's values are read (SPEC §4): {@code ${NAME}} and {@code ${NAME:-default}} from the
 * environment, {@code true}/{@code false}, whole numbers in a range, durations ({@code 500ms}, {@code 3s},
 * {@code 1m}, {@code 2h}), sizes ({@code 16KiB}, {@code 1MiB}, bytes) and rates ({@code 1KiB/s}); each
 * mistake an error at the value's line and column, and the default used so the rest is still checked.
 */
abstract class ConfigValues extends NodeReader {
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)(B|KiB|MiB|GiB)?");

    private final Function<String, String> env;
    /** Each value node's key path ({@code block.status}), so that every message names the key it is about. */
    private final IdentityHashMap<Node, String> keyPaths = new IdentityHashMap<>();

    ConfigValues(Function<String, String> env) {
        super(0);
        this.env = env;
    }

    /** A scalar with ${ENV} expanded; the default when absent. */
    String value(Node node, String def) {
        if (node == null) {
            return def;
        }
        if (!(node instanceof ScalarNode scalar)) {
            error(node, "expected a single value");
            return def;
        }
        Matcher m = ENV.matcher(scalar.getValue());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null || value.isEmpty() && m.group(2) != null) {
                value = m.group(2);
            }
            if (value == null) {
                error(node, "environment variable " + m.group(1) + " is not set (write ${" + m.group(1)
                        + ":-default} for a default)");
                value = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString().strip();
    }

    boolean bool(Node node, boolean def) {
        String v = value(node, null);
        if (v == null) {
            return def;
        }
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        error(node, "expected true or false, not '" + v + "'");
        return def;
    }

    long integer(Node node, long def, long min, long max) {
        String v = value(node, null);
        if (v == null) {
            return def;
        }
        try {
            long n = Long.parseLong(v.replace("_", ""));
            if (n < min || n > max) {
                error(node, "expected a number from " + min + " to " + max + ", not " + n);
                return def;
            }
            return n;
        } catch (NumberFormatException e) {
            error(node, "expected a whole number, not '" + v + "'");
            return def;
        }
    }

    Duration duration(Node node, Duration def) {
        String v = value(node, null);
        if (v == null) {
            return def;
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            error(node, "expected a duration such as 500ms, 3s, 1m or 2h, not '" + v + "'");
            return def;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            error(node, "a duration must be above zero");
            return def;
        }
        return d;
    }

    long size(Node node, long def, long min, long max) {
        String v = value(node, null);
        return v == null ? def : bytes(node, v, def, min, max);
    }

    long bytes(Node node, String v, long def, long min, long max) {
        Matcher m = SIZE.matcher(v);
        if (!m.matches() || m.group(1).length() > 12) { // 12 digits: no overflow in any unit below
            error(node, "expected a size such as 16KiB, 1MiB or a number of bytes, not '" + v + "'");
            return def;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long bytes = switch (unit) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
        };
        if (bytes < min || bytes > max) {
            error(node, "expected a size from " + min + " to " + max + " bytes, not " + v);
            return def;
        }
        return bytes;
    }

    /** A size per second ({@code 1KiB/s}); {@code 0} turns the check off. */
    long rate(Node node, long def) {
        String v = value(node, null);
        if (v == null) {
            return def;
        }
        if (v.equals("0")) {
            return 0;
        }
        if (!v.endsWith("/s")) {
            error(node, "expected a rate such as 1KiB/s, or 0 for none, not '" + v + "'");
            return def;
        }
        return bytes(node, v.substring(0, v.length() - 2), def, 1, 1L << 40);
    }

    /** Remembers that {@code node} is the value of the key at {@code path}. */
    void keyPath(Node node, String path) {
        keyPaths.put(node, path);
    }

    @Override
    public void error(Node node, String message) {
        if (node == null) {
            errors().add(new YamlError(1, 1, message));
            return;
        }
        String path = keyPaths.get(node);
        super.error(node, path == null || message.startsWith(path) ? message : path + ": " + message);
    }
}
