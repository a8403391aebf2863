package dev.beian.gateway.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package of either module depends, through any chain of imports, on a package that depends on it: a
 * cycle means neither side can be understood, tested or moved alone. Reads the sources' package and import
 * lines (same-package references need no import and are no cross-package edge).
 */
class PackageCyclesTest {
    private static final Pattern PACKAGE = Pattern.compile("^package (dev\\.beian[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(dev\\.beian[\\w.]*)\\.[A-Z]",
            Pattern.MULTILINE);

    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../filing-registry/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    Matcher p = PACKAGE.matcher(text);
                    assertTrue(p.find(), file.toString());
                    Set<String> out = edges.computeIfAbsent(p.group(1), k -> new TreeSet<>());
                    Matcher i = IMPORT.matcher(text);
                    while (i.find()) {
                        if (!i.group(1).equals(p.group(1))) {
                            out.add(i.group(1));
                        }
                    }
                }
            }
        }
        return edges;
    }

    @Test
    void noPackageReachesItself() throws IOException {
        Map<String, Set<String>> edges = graph();
        assertTrue(edges.size() > 10, "read the packages: " + edges.keySet());
        List<String> cycles = new ArrayList<>();
        for (String start : edges.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.add(List.of(start));
            Set<String> seen = new HashSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.poll();
                for (String next : edges.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    if (next.equals(start)) {
                        List<String> cycle = new ArrayList<>(path);
                        cycle.add(start);
                        cycles.add(String.join(" -> ", cycle));
                    } else if (seen.add(next)) {
                        List<String> longer = new ArrayList<>(path);
                        longer.add(next);
                        paths.add(longer);
                    }
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    @Test
    void theRegistryModuleNeverReachesTheGateway() throws IOException {
        Map<String, Set<String>> bad = new HashMap<>();
        graph().forEach((pkg, deps) -> {
            if (!pkg.startsWith("dev.beian.gateway")) {
                deps.stream().filter(d -> d.startsWith("dev.beian.gateway")).forEach(d ->
                        bad.computeIfAbsent(pkg, k -> new TreeSet<>()).add(d));
            }
        });
        assertEquals(Map.of(), bad);
    }
}
