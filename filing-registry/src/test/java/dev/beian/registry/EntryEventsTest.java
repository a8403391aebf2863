package dev.beian.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.beian.host.PublicSuffixList;
import dev.beian.registry.Drafts.SubjectDraft;
import dev.beian.registry.Drafts.WebsiteDraft;
import dev.beian.yaml.TextYaml;
import dev.beian.yaml.YamlError;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The event reader must say exactly what the node reader says: the same drafts, the same errors at the
 * same lines and columns, for every rule and every shape a value can have.
 */
class EntryEventsTest {
    private static final Set<String> UPSTREAMS = Set.of("default", "shop");

    static Stream<Arguments> files() {
        List<Arguments> all = new ArrayList<>();
        RegistryLoaderTest.singleErrors().forEach(a -> all.add(Arguments.of(a.get()[0], a.get()[1])));
        String head = "subjects:\n  - number: 京ICP备11018762号\n    name: 示例\n    websites:\n";
        all.add(Arguments.of("keys in another order", "subjects:\n  - websites:\n      - domains: [a.cn]\n"
                + "        access: here\n        name: w\n        number: 京ICP备11018762号-1\n"
                + "    name: s\n    number: 京ICP备11018762号\n"));
        all.add(Arguments.of("websites before a wrong subject number", "subjects:\n  - websites:\n"
                + "      - {number: 京ICP备11018762号-1, name: w, domains: [a.cn], access: here}\n"
                + "    name: s\n    number: 京ICP备99999999号\n"));
        all.add(Arguments.of("websites a scalar", head.replace("    websites:\n", "    websites: none\n")));
        all.add(Arguments.of("websites a mapping", head + "      a: b\n"));
        all.add(Arguments.of("websites empty", head.replace("    websites:\n", "    websites:\n    status: cancelled\n")));
        all.add(Arguments.of("a website a list", head + "      - [a, b]\n"));
        all.add(Arguments.of("a website empty", head + "      -\n"));
        all.add(Arguments.of("domains a mapping", head + "      - {number: 京ICP备11018762号-1, name: w, access: here, domains: {a: b}}\n"));
        all.add(Arguments.of("domains a scalar", head + "      - {number: 京ICP备11018762号-1, name: w, access: here, domains: a.cn}\n"));
        all.add(Arguments.of("domains empty list", head + "      - {number: 京ICP备11018762号-1, name: w, access: here, domains: []}\n"));
        all.add(Arguments.of("a domain a list", head + "      - {number: 京ICP备11018762号-1, name: w, access: here, domains: [[a.cn], b.cn, '', ~]}\n"));
        all.add(Arguments.of("nested values", head + "      - {number: [1], name: {a: [b]}, access: [here], status: {}, upstream: [], access-until: []}\n"));
        all.add(Arguments.of("a key that is a list", head + "      - {[a]: b, number: 京ICP备11018762号-1, name: w, access: here, domains: [a.cn]}\n"));
        all.add(Arguments.of("keys twice and unknown", head + "      - {number: 京ICP备11018762号-1, name: w, name: x, access: here, foo: [1, {a: b}], domains: [a.cn], domains: [b.cn]}\n"));
        all.add(Arguments.of("quoted values with spaces", head + "      - {number: ' 京ICP备11018762号-1 ', name: \"  w \", access: 'here', domains: [' A.CN ']}\n"));
        all.add(Arguments.of("explicit nulls", head + "      - {number: ~, name: null, access: NULL, domains: Null, status: ~}\n"));
        all.add(Arguments.of("a subject a scalar", "subjects:\n  - just text\n  - [1, 2]\n  -\n"));
        all.add(Arguments.of("tags", head + "      - {number: !!str 京ICP备11018762号-1, name: !custom w, access: here, domains: !!seq [a.cn]}\n"));
        all.add(Arguments.of("provisional twice wrong", head + "      - {number: 京ICP备11018762号-2, name: w, access: provisional, domains: [b.cn]}\n"
                + "      - {number: 京ICP备11018762号-3, name: w, access: provisional, access-until: soon, domains: [c.cn]}\n"));
        all.add(Arguments.of("an unknown upstream", head + "      - {number: 京ICP备11018762号-1, name: w, access: here, upstream: nowhere, domains: [a.cn]}\n"));
        all.add(Arguments.of("valid", RegistryReuseTest.subject(3).isEmpty() ? "" : LargeRegistryTest.registry(30)));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void eventsAndNodesSayTheSame(String name, String yaml) {
        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        RegistryItems items = RegistryItems.split(bytes);
        assumeTrue(items != null, "not of the usual shape: always composed");
        RegistryItems.Segment all = items.run(0, items.count());
        String piece = new String(bytes, all.offset(), all.length(), StandardCharsets.UTF_8);
        RegistryEntries events = EntryEvents.read(new StringReader(piece), all.firstLine(), UPSTREAMS,
                PublicSuffixList.shipped());
        RegistryEntries nodes = new RegistryEntries(all.firstLine(), UPSTREAMS, PublicSuffixList.shipped());
        LoaderOptions options = new LoaderOptions();
        Object root;
        try {
            root = TextYaml.create(options).compose(new StringReader(piece));
        } catch (RuntimeException e) {
            assertNull(events, "a piece that does not compose is left to the composer");
            return;
        }
        assumeTrue(events != null, "left to the composer");
        nodes.subjects(((SequenceNode) root).getValue());
        assertEquals(sorted(nodes.errors()), sorted(events.errors()));
        assertEquals(dump(nodes.subjects()), dump(events.subjects()));
    }

    @Test
    void anchorsAndAliasesAreLeftToTheComposer() {
        assertNull(EntryEvents.read(new StringReader("  - number: &n 京ICP备11018762号\n    name: *n\n"), 1, UPSTREAMS,
                PublicSuffixList.shipped()));
        assertNotNull(EntryEvents.read(new StringReader("  - number: 京ICP备11018762号\n    name: 'a&b *c'\n"), 1,
                UPSTREAMS, PublicSuffixList.shipped()));
        assertNull(EntryEvents.read(new StringReader("  - number: [\n"), 1, UPSTREAMS, PublicSuffixList.shipped()),
                "a syntax error");
    }

    private static List<YamlError> sorted(List<YamlError> errors) {
        List<YamlError> copy = new ArrayList<>(errors);
        Collections.sort(copy);
        return copy;
    }

    private static List<String> dump(List<SubjectDraft> subjects) {
        List<String> lines = new ArrayList<>();
        for (SubjectDraft s : subjects) {
            lines.add(s.number() + " " + s.name() + " " + s.status() + " @" + s.line() + ":" + s.column());
            for (WebsiteDraft w : s.websites()) {
                lines.add("  " + w.number + " " + w.name + " " + w.access + " " + w.accessUntil + " " + w.status + " "
                        + w.upstream + " @" + w.line + ":" + w.column + " " + w.domains + " "
                        + Arrays.toString(Arrays.copyOf(w.domainLines, w.domains.size()))
                        + Arrays.toString(Arrays.copyOf(w.domainColumns, w.domains.size())));
            }
        }
        return lines;
    }
}
