package dev.beian.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beian.yaml.YamlError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A reload that parses only the subjects whose text changed ({@link RegistryReuse}) must give exactly the
 * registry a full parse gives, and exactly its errors.
 */
class RegistryReuseTest {
    private static final RegistryLoader LOADER = new RegistryLoader(Set.of("default", "shop"), Clock.systemUTC());
    private static final String BEFORE = LargeRegistryTest.registry(2_000);

    /** name, the edit, how many subjects must have been parsed again (-1: the full parse runs). */
    static Stream<Arguments> edits() {
        return Stream.of(
                Arguments.of("nothing", edit(s -> s), 0),
                Arguments.of("access withdrawn", edit(s -> s.replace("号-1, name: 官网, access: here,\n         domains: [s7.cn",
                        "号-1, name: 官网, access: withdrawn,\n         domains: [s7.cn")), 1),
                Arguments.of("a domain added", edit(s -> s.replace("[s9.cn, s9.com.cn]", "[s9.cn, s9.com.cn, s9-new.cn]")), 1),
                Arguments.of("a subject removed", edit(s -> s.replace(subject(11), "")), 0),
                Arguments.of("a subject added at the end", edit(s -> s + subject(5_000)), 1),
                Arguments.of("two subjects swapped", edit(s -> s.replace(subject(3) + subject(4), subject(4) + subject(3))), 0),
                Arguments.of("a comment line inside a subject", edit(s -> s.replace("    name: 公司12\n", "    name: 公司12 # x\n")), 1),
                Arguments.of("upstream changed", edit(s -> s.replace("号-1, name: 官网, access: here,\n         domains: [s20.cn",
                        "号-1, name: 官网, upstream: shop, access: here,\n         domains: [s20.cn")), 1),
                Arguments.of("a domain moved to another subject", edit(s -> s.replace("[s30.cn, s30.com.cn]", "[s30.cn]")
                        .replace("[s31.cn, s31.com.cn]", "[s31.cn, s31.com.cn, s30.com.cn]")), 2),
                Arguments.of("most subjects changed", edit(s -> s.replace("name: 官网", "name: 主站")), -1),
                Arguments.of("an anchor and its alias, side by side", edit(s -> s.replace("    name: 公司5\n", "    name: &n 公司5\n")
                        .replace("    name: 公司6\n", "    name: *n\n")), 2),
                Arguments.of("an anchor and its alias, far apart", edit(s -> s.replace("    name: 公司5\n", "    name: &n 公司5\n")
                        .replace("    name: 公司60\n", "    name: *n\n")), -1));
    }

    private static UnaryOperator<String> edit(UnaryOperator<String> e) {
        return e;
    }

    /** The text of subject {@code s} as {@link LargeRegistryTest#registry} writes it. */
    static String subject(int s) {
        String one = LargeRegistryTest.registry(s + 1);
        return one.substring(LargeRegistryTest.registry(s).length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void aReloadThatParsesOnlyWhatChangedEqualsAFullParse(String name, UnaryOperator<String> edit, int parsed)
            throws Exception {
        Registry before = LOADER.parse(bytes(BEFORE), null);
        byte[] after = bytes(edit.apply(BEFORE));
        Registry full = LOADER.parse(after, null);
        Registry reused = LOADER.parse(after, null, before);
        assertEquals(dump(full), dump(reused));
        assertEquals(full.version(), reused.version());
        int fresh = 0;
        for (int s = 0; s < reused.subjectCount(); s++) {
            // a copied subject keeps the very number object of the registry it was copied from
            boolean copied = false;
            for (Subject b : List.of(before.subjects().get(Math.min(s, before.subjectCount() - 1)),
                    before.subjects().get(Math.max(0, Math.min(s + 1, before.subjectCount() - 1))),
                    before.subjects().get(Math.max(0, s - 1)))) {
                copied |= b.number() == reused.subjects().get(s).number();
            }
            fresh += copied ? 0 : 1;
        }
        if (parsed >= 0) {
            assertEquals(parsed, fresh, "subjects parsed again");
        } else {
            assertEquals(reused.subjectCount(), fresh, "the full parse ran");
        }
        // and the next reload reuses from this one just as well
        assertEquals(dump(full), dump(LOADER.parse(after, null, reused)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEdits")
    void aBrokenEditReportsExactlyTheFullParsesErrors(String name, UnaryOperator<String> edit) throws Exception {
        Registry before = LOADER.parse(bytes(BEFORE), null);
        byte[] after = bytes(edit.apply(BEFORE));
        List<YamlError> full = assertThrows(InvalidRegistryException.class, () -> LOADER.parse(after, null)).errors();
        List<YamlError> reused = assertThrows(InvalidRegistryException.class,
                () -> LOADER.parse(after, null, before)).errors();
        assertEquals(full, reused);
    }

    static Stream<Arguments> brokenEdits() {
        return Stream.of(
                Arguments.of("a domain listed twice across subjects",
                        edit(s -> s.replace("[s40.cn, s40.com.cn]", "[s40.cn, s41.com.cn]"))),
                Arguments.of("a subject repeated", edit(s -> s + subject(17))),
                Arguments.of("a website number twice in one subject", edit(s -> s.replace(subject(50),
                        subject(50).replace("      - {", "      - {number: 京ICP备10000050号-1, name: b, access: here, domains: [b50.cn]}\n      - {")))),
                Arguments.of("an unknown upstream", edit(s -> s.replace("号-1, name: 官网, access: here,\n         domains: [s60.cn",
                        "号-1, name: 官网, upstream: nowhere, access: here,\n         domains: [s60.cn"))),
                Arguments.of("a syntax error", edit(s -> s.replace("    name: 公司70\n", "    name: [公司70\n"))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Everything a registry says, in order. */
    static List<String> dump(Registry r) {
        List<String> lines = new ArrayList<>();
        for (Subject s : r.subjects()) {
            lines.add(s.number() + " " + s.name() + " " + s.status());
            for (Website w : s.websites()) {
                lines.add("  " + w.number() + " " + w.name() + " " + w.access() + " " + w.accessUntil() + " "
                        + w.status() + " " + w.isCancelled() + " " + w.upstream() + " " + w.domains());
                assertSame(s.number(), w.subject().number());
            }
        }
        for (int d = 0; d < r.domainCount(); d++) {
            String domain = r.domains().domain(d);
            lines.add(domain + " -> " + r.website(domain).number());
        }
        assertNotSame(null, r.version());
        return lines;
    }
}
