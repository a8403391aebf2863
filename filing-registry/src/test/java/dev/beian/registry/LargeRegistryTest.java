package dev.beian.registry;

import dev.beian.yaml.YamlError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Files large enough to be read in parallel pieces ({@link RegistryItems}) must load, and fail,
 * exactly as when read whole: same registry, same errors at the same lines.
 */
class LargeRegistryTest {
    private static final RegistryLoader LOADER = new RegistryLoader(Set.of("default"), Clock.systemUTC());

    /** {@code subjects} subjects of one website with two domains each; 5 lines per subject after line 1. */
    static String registry(int subjects) {
        StringBuilder sb = new StringBuilder("# generated\nsubjects:\n");
        for (int s = 0; s < subjects; s++) {
            sb.append("  - number: 京ICP备").append(10_000_000 + s).append("号\n")
                    .append("    name: 公司").append(s).append('\n')
                    .append("    websites:\n")
                    .append("      - {number: 京ICP备").append(10_000_000 + s).append("号-1, name: 官网, access: here,\n")
                    .append("         domains: [s").append(s).append(".cn, s").append(s).append(".com.cn]}\n");
        }
        return sb.toString();
    }

    /** The 1-based line of subject {@code s}'s domains line. */
    static int domainsLine(int s) {
        return 3 + s * 5 + 4;
    }

    static List<String> errors(String yaml) {
        return assertThrows(InvalidRegistryException.class,
                () -> LOADER.parse(yaml.getBytes(StandardCharsets.UTF_8), null))
                .errors().stream().map(YamlError::toString).collect(Collectors.toList());
    }

    @Test
    void aLargeFileIsCutIntoPiecesAndLoadsWhole() throws Exception {
        String yaml = registry(30_000);
        assertTrue(yaml.getBytes(StandardCharsets.UTF_8).length > RegistryItems.MIN_BYTES_TO_SPLIT);
        RegistryItems items = RegistryItems.split(yaml.getBytes(StandardCharsets.UTF_8));
        assertNotNull(items);
        assertEquals(30_000, items.count());
        assertEquals(2, items.line(0));
        assertEquals(2 + 5 * 29_999, items.line(29_999));
        List<RegistryItems.Segment> segments = items.segments(RegistryItems.TARGET_BYTES);
        assertTrue(segments.size() > 4, "pieces: " + segments.size());
        assertEquals(30_000, segments.stream().mapToInt(RegistryItems.Segment::items).sum());
        Registry r = LOADER.parse(yaml.getBytes(StandardCharsets.UTF_8), null);
        assertEquals(30_000, r.subjectCount());
        assertEquals(60_000, r.domainCount());
        assertEquals("京ICP备10029999号-1", r.website("s29999.com.cn").number().toString());
    }

    @Test
    void errorsInPiecesCarryFileLinesAndMatchTheWholeFileRead() {
        String yaml = registry(30_000)
                .replace("s29000.cn,", "s5.cn,") // duplicate of a domain in the first piece
                .replace("京ICP备10020000号-1", "京ICP备10020001号-1") // website not of its subject
                .replace("    name: 公司25000\n", "    nmae: 公司25000\n");
        List<String> pieces = errors(yaml);
        assertEquals(List.of(
                (3 + 20_000 * 5 + 3) + ":18: website number 京ICP备10020001号-1 is not its subject's number 京ICP备10020000号 followed by -N",
                (3 + 20_001 * 5 + 3) + ":18: number 京ICP备10020001号-1 is used twice (first at line " + (3 + 20_000 * 5 + 3) + ")",
                (3 + 25_000 * 5) + ":5: missing required key 'name'",
                (3 + 25_000 * 5 + 1) + ":5: unknown key 'nmae' in a subject (allowed: name, number, status, websites)",
                domainsLine(29_000) + ":20: domain s5.cn is listed twice (first at line " + domainsLine(5) + ")"), pieces);

        // the same file, in a shape that is not cut ("---" first): the same errors, one line further down
        List<String> whole = errors("---\n" + yaml);
        assertEquals(pieces.stream().map(LargeRegistryTest::nextLine).collect(Collectors.toList()), whole);
    }

    /** The same error one line further down: its own line and any "first at line N" it cites. */
    private static String nextLine(String error) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)(:.*first at line )(\\d+)(\\).*)$|^(\\d+)(:.*)$")
                .matcher(error);
        assertTrue(m.matches(), error);
        if (m.group(1) != null) {
            return (Integer.parseInt(m.group(1)) + 1) + m.group(2) + (Integer.parseInt(m.group(3)) + 1) + m.group(4);
        }
        return (Integer.parseInt(m.group(5)) + 1) + m.group(6);
    }

    @Test
    void shapesThatAreNotCut() {
        String big = registry(20_000);
        assertNotNull(RegistryItems.split(big.getBytes(StandardCharsets.UTF_8)));
        assertNull(RegistryItems.split(("---\n" + big).getBytes(StandardCharsets.UTF_8)), "document marker");
        assertNull(RegistryItems.split(big.replace("subjects:\n", "subjects: # x\nversion: 1\n").getBytes(StandardCharsets.UTF_8)), "another root key");
        assertNull(RegistryItems.split((big + "other: 1\n").getBytes(StandardCharsets.UTF_8)), "a key after the list");
        assertNull(RegistryItems.split(big.replace("subjects:\n", "subjects: [\n").getBytes(StandardCharsets.UTF_8)), "flow list");
        assertEquals(10, RegistryItems.split(registry(10).getBytes(StandardCharsets.UTF_8)).count(),
                "small files are cut into items too (for reuse), just not composed in pieces");
    }

    @Test
    void aPieceThatDoesNotParseAloneFallsBackToTheWholeFile() throws Exception {
        // an anchor in one piece, its alias in a much later one: fine for YAML, impossible in pieces
        String yaml = registry(30_000)
                .replace("    name: 公司0\n", "    name: &n 公司0\n")
                .replace("    name: 公司29999\n", "    name: *n\n");
        Registry r = LOADER.parse(yaml.getBytes(StandardCharsets.UTF_8), null);
        assertEquals("公司0", r.subjects().get(29_999).name());
    }
}
