package dev.beian.registry;

import dev.beian.yaml.YamlError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beian.filing.FilingNumber;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegistryLoaderTest {
    private static final RegistryLoader LOADER = new RegistryLoader(Set.of("default", "shop"), Clock.systemUTC());

    static Registry load(String yaml) throws InvalidRegistryException {
        return LOADER.parse(yaml.getBytes(StandardCharsets.UTF_8), null);
    }

    static List<YamlError> errors(String yaml) {
        return assertThrows(InvalidRegistryException.class, () -> load(yaml)).errors();
    }

    private static final String VALID = """
            subjects:
              - number: 京ICP备11018762号
                name: 示例科技有限公司
                websites:
                  - number: 京ICP备11018762号-1
                    name: 示例官网
                    domains: [Example.CN, 示例.中国]
                    access: here
                  - number: 京ICP备11018762号-2
                    name: 商城
                    domains:
                      - shop.example.com.cn
                    access: provisional
                    access-until: 2027-01-10
                    upstream: shop
              - number: 粤B2-20090059
                name: 某公司
                status: cancelled
                websites:
                  - number: 粤B2-20090059-1
                    name: 站
                    domains: [b2.cn]
                    access: elsewhere
                    status: active
            """;

    @Test
    void loadsAValidFile() throws Exception {
        Registry r = load(VALID);
        assertEquals(2, r.subjectCount());
        assertEquals(3, r.websiteCount());
        assertEquals(4, r.domainCount());
        assertEquals(64, r.version().length());
        Subject s = r.subjects().get(0);
        assertEquals(FilingNumber.parse("京ICP备11018762号"), s.number());
        assertEquals("示例科技有限公司", s.name());
        assertEquals(Status.ACTIVE, s.status());
        Website w1 = s.websites().get(0);
        assertEquals(List.of("example.cn", "xn--fsq092h.xn--fiqs8s"), w1.domains());
        assertEquals(Access.HERE, w1.access());
        assertEquals("default", w1.upstream());
        assertNull(w1.accessUntil());
        Website w2 = s.websites().get(1);
        assertEquals(Access.PROVISIONAL, w2.access());
        assertEquals(Instant.parse("2027-01-10T16:00:00Z"), w2.accessUntil(), "through the end of 10 Jan, Beijing time");
        assertEquals("shop", w2.upstream());
        Website w3 = r.subjects().get(1).websites().get(0);
        assertTrue(w3.isCancelled(), "a cancelled subject cancels its websites");
        assertEquals(Status.ACTIVE, w3.status());
        assertEquals(w1, r.website("example.cn"));
        assertEquals(w1, r.website("xn--fsq092h.xn--fiqs8s"));
    }

    @Test
    void emptySubjectListIsAValidRegistry() throws Exception {
        assertEquals(0, load("subjects: []\n").domainCount());
    }

    /** A whole file, and the one error it must produce as "line:column: words". */
    static Stream<Arguments> singleErrors() {
        String head = "subjects:\n  - number: 京ICP备11018762号\n    name: 示例\n    websites:\n";
        String site = "      - number: 京ICP备11018762号-1\n        name: 官网\n";
        return Stream.of(
                Arguments.of("empty file", "", "1:1", "the file is empty"),
                Arguments.of("YAML syntax", "subjects: [\n", "2:1", "YAML syntax"),
                Arguments.of("root not mapping", "- a\n", "1:1", "the registry must be a mapping"),
                Arguments.of("unknown root key", "subjects: []\nsubject: []\n", "2:1", "unknown key 'subject'"),
                Arguments.of("missing subjects", "{}\n", "1:1", "missing required key 'subjects'"),
                Arguments.of("subjects not a list", "subjects: 3\n", "1:11", "subjects must be a list"),
                Arguments.of("unknown subject key", "subjects:\n  - number: 京ICP备11018762号\n    name: x\n    stauts: active\n",
                        "4:5", "unknown key 'stauts' in a subject"),
                Arguments.of("missing subject number", "subjects:\n  - name: x\n", "2:5", "missing required key 'number'"),
                Arguments.of("missing subject name", "subjects:\n  - number: 京ICP备11018762号\n", "2:5", "missing required key 'name'"),
                Arguments.of("empty name", "subjects:\n  - number: 京ICP备11018762号\n    name:\n", "3:10", "'name' must not be empty"),
                Arguments.of("unparseable number", "subjects:\n  - number: 港ICP备11018762号\n    name: x\n", "2:13",
                        "unknown province abbreviation '港'"),
                Arguments.of("subject number with -N", "subjects:\n  - number: 京ICP备11018762号-1\n    name: x\n", "2:13",
                        "must not have a -N suffix"),
                Arguments.of("bad subject status", "subjects:\n  - number: 京ICP备11018762号\n    name: x\n    status: gone\n",
                        "4:13", "status must be active or cancelled"),
                Arguments.of("number as a list", "subjects:\n  - number: [1]\n    name: x\n", "2:13", "number must be a single value"),
                Arguments.of("website without -N", head + "      - number: 京ICP备11018762号\n        name: a\n        domains: [a.cn]\n        access: here\n",
                        "5:17", "needs a -N suffix"),
                Arguments.of("website of another subject", head + "      - number: 京ICP备11018763号-1\n        name: a\n        domains: [a.cn]\n        access: here\n",
                        "5:17", "is not its subject's number 京ICP备11018762号 followed by -N"),
                Arguments.of("unknown website key", head + site + "        domains: [a.cn]\n        access: here\n        acess: here\n",
                        "9:9", "unknown key 'acess' in a website"),
                Arguments.of("missing access", head + site + "        domains: [a.cn]\n", "5:9", "missing required key 'access'"),
                Arguments.of("bad access", head + site + "        domains: [a.cn]\n        access: somewhere\n", "8:17",
                        "access must be here, provisional, elsewhere or withdrawn"),
                Arguments.of("provisional without until", head + site + "        domains: [a.cn]\n        access: provisional\n",
                        "5:9", "access: provisional needs access-until"),
                Arguments.of("bad access-until", head + site + "        domains: [a.cn]\n        access: provisional\n        access-until: soon\n",
                        "9:23", "access-until must be a date"),
                Arguments.of("missing domains", head + site + "        access: here\n", "5:9", "missing required key 'domains'"),
                Arguments.of("empty domains", head + site + "        domains: []\n        access: here\n", "7:18", "at least one domain"),
                Arguments.of("invalid domain", head + site + "        domains: [a_b.cn]\n        access: here\n", "7:19",
                        "'a_b.cn' is not a valid domain"),
                Arguments.of("single label", head + site + "        domains: [localhost]\n        access: here\n", "7:19",
                        "'localhost' is a single label"),
                Arguments.of("public suffix com.cn", head + site + "        domains: [com.cn]\n        access: here\n", "7:19",
                        "'com.cn' is a public suffix"),
                Arguments.of("public suffix gov.cn", head + site + "        domains: [gov.cn]\n        access: here\n", "7:19",
                        "'gov.cn' is a public suffix"),
                Arguments.of("public suffix 中国", head + site + "        domains: [中国]\n        access: here\n", "7:19",
                        "is a single label"),
                Arguments.of("public suffix 公司.cn", head + site + "        domains: [公司.cn]\n        access: here\n", "7:19",
                        "'公司.cn' is a public suffix"),
                Arguments.of("public suffix github.io", head + site + "        domains: [github.io]\n        access: here\n", "7:19",
                        "'github.io' is a public suffix"),
                Arguments.of("IP as domain", head + site + "        domains: [10.0.0.1]\n        access: here\n", "7:19",
                        "is an IP address"),
                Arguments.of("domain with port", head + site + "        domains: ['a.cn:80']\n        access: here\n", "7:19",
                        "a port is not allowed"),
                Arguments.of("same domain twice in one website", head + site + "        domains: [a.cn, A.CN.]\n        access: here\n", "7:25",
                        "domain a.cn is listed twice (first at line 7)"),
                Arguments.of("an IDN twice, once as punycode", head + site + "        domains: [示例.中国, xn--fsq092h.xn--fiqs8s]\n        access: here\n", "7:26",
                        "domain 示例.中国 (xn--fsq092h.xn--fiqs8s) is listed twice (first at line 7)"),
                Arguments.of("unknown upstream", head + site + "        domains: [a.cn]\n        access: here\n        upstream: nowhere\n",
                        "9:19", "upstream 'nowhere' is not defined in gateway.yaml (defined: default, shop)"),
                Arguments.of("duplicate key", head + site + "        domains: [a.cn]\n        access: here\n        access: here\n",
                        "9:9", "key 'access' is given twice"),
                Arguments.of("website not a mapping", head + "      - just text\n", "5:9", "a website must be a mapping"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleErrors")
    void reportsEachRuleWithLineAndColumn(String name, String yaml, String position, String words) {
        List<YamlError> errors = errors(yaml);
        assertEquals(1, errors.size(), () -> "expected one error, got " + errors);
        YamlError e = errors.get(0);
        assertEquals(position, e.line() + ":" + e.column(), () -> "position of " + e);
        assertTrue(e.message().contains(words), () -> "'" + e.message() + "' lacks '" + words + "'");
    }

    @Test
    void duplicatesAcrossTheFileNameTheFirstPlace() {
        String yaml = """
                subjects:
                  - number: 京ICP备11018762号
                    name: a
                    websites:
                      - number: 京ICP备11018762号-1
                        name: a
                        domains: [example.cn]
                        access: here
                      - number: 京ICP备11018762号-1
                        name: b
                        domains: [Example.cn]
                        access: here
                  - number: 京ICP备 11018762号
                    name: again
                """;
        List<String> got = errors(yaml).stream().map(YamlError::toString).collect(Collectors.toList());
        assertEquals(List.of(
                "9:17: number 京ICP备11018762号-1 is used twice (first at line 5)",
                "11:19: domain example.cn is listed twice (first at line 7)",
                "13:13: number 京ICP备11018762号 is used twice (first at line 2)"), got);
    }

    @Test
    void reportsEveryErrorOfTheFileNotTheFirst() {
        String yaml = """
                subjects:
                  - number: 京ICP备1101876号x
                    name: a
                    stauts: active
                    websites:
                      - number: 京ICP备11018762号-1
                        domains: [com.cn, bad_host.cn]
                        access: provisional
                        upstream: nope
                """;
        List<String> got = errors(yaml).stream().map(YamlError::toString).collect(Collectors.toList());
        assertEquals(7, got.size(), got::toString);
        assertTrue(got.get(0).startsWith("2:13: invalid filing number"), got::toString);
        assertTrue(got.get(1).startsWith("4:5: unknown key 'stauts'"), got::toString);
        assertTrue(got.stream().anyMatch(s -> s.startsWith("6:9: missing required key 'name'")), got::toString);
        assertTrue(got.stream().anyMatch(s -> s.startsWith("6:9: access: provisional needs access-until")), got::toString);
        assertTrue(got.stream().anyMatch(s -> s.startsWith("7:19: 'com.cn' is a public suffix")), got::toString);
        assertTrue(got.stream().anyMatch(s -> s.startsWith("9:19: upstream 'nope'")), got::toString);
        assertTrue(got.stream().anyMatch(s -> s.startsWith("7:27: 'bad_host.cn' is not a valid domain")), got::toString);
    }

    @Test
    void withoutKnownUpstreamsAnyUpstreamNamePasses() throws Exception {
        RegistryLoader lenient = new RegistryLoader(null, Clock.systemUTC());
        String yaml = "subjects:\n  - number: 京ICP备11018762号\n    name: a\n    websites:\n"
                + "      - number: 京ICP备11018762号-1\n        name: b\n        domains: [a.cn]\n        access: here\n        upstream: anything\n";
        assertEquals("anything", lenient.parse(yaml.getBytes(StandardCharsets.UTF_8), null)
                .subjects().get(0).websites().get(0).upstream());
    }

    /** access-until text, the instant access ends. */
    static Stream<Arguments> accessUntil() {
        return Stream.of(
                Arguments.of("2027-01-10", "2027-01-10T16:00:00Z"),
                Arguments.of("2027-01-10T18:00:00", "2027-01-10T10:00:00Z"),
                Arguments.of("2027-01-10T18:00", "2027-01-10T10:00:00Z"),
                Arguments.of("2027-01-10 18:00:00", "2027-01-10T10:00:00Z"),
                Arguments.of("2027-01-10T18:00:00+08:00", "2027-01-10T10:00:00Z"),
                Arguments.of("2027-01-10T18:00:00Z", "2027-01-10T18:00:00Z"),
                Arguments.of("2027-01-10T18:00:00-05:00", "2027-01-10T23:00:00Z"),
                Arguments.of("2027-02-30", null),
                Arguments.of("10/01/2027", null),
                Arguments.of("tomorrow", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accessUntil")
    void accessUntilDatesDefaultToBeijingTime(String raw, String expected) {
        Instant got = AccessUntil.parse(raw);
        if (expected == null) {
            assertNull(got);
        } else {
            assertNotNull(got, raw);
            assertEquals(Instant.parse(expected), got);
        }
    }
}
