package dev.beian.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PublicSuffixListTest {
    private static final Pattern CHECK = Pattern.compile("checkPublicSuffix\\((null|'[^']*'), (null|'[^']*')\\);");

    /** The list's own test cases, {@code test_psl.txt}, as published with the list. */
    @TestFactory
    Stream<DynamicTest> officialTestCases() throws IOException {
        List<String[]> cases = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/psl/test_psl.txt")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                Matcher m = CHECK.matcher(line.strip());
                if (!line.startsWith("//") && m.matches()) {
                    cases.add(new String[] {unquote(m.group(1)), unquote(m.group(2))});
                }
            }
        }
        assertEquals(78, cases.size(), "the published file has 78 cases");
        PublicSuffixList psl = PublicSuffixList.shipped();
        return cases.stream().map(c -> DynamicTest.dynamicTest(c[0] + " -> " + c[1],
                () -> assertEquals(asciiOrNull(c[1]), registrable(psl, c[0]))));
    }

    /** The check's algorithm: null input, a leading dot or an invalid name have no registrable domain. */
    private static String registrable(PublicSuffixList psl, String input) {
        if (input == null || input.startsWith(".")) {
            return null;
        }
        NormalizedHost host = HostNormalizer.normalizeDomain(input);
        if (!host.isValid() || host.kind() != NormalizedHost.Kind.NAME) {
            return null;
        }
        return psl.registrableDomain(host.value());
    }

    private static String asciiOrNull(String s) {
        return s == null ? null : IDN.toASCII(s).toLowerCase(Locale.ROOT);
    }

    private static String unquote(String s) {
        return s.equals("null") ? null : s.substring(1, s.length() - 1);
    }

    @Test
    void publicSuffixesTheRegistryRefuses() {
        PublicSuffixList psl = PublicSuffixList.shipped();
        for (String suffix : List.of("cn", "com.cn", "gov.cn", "xn--fiqs8s", "github.io", "com", "co.uk")) {
            assertTrue(psl.isPublicSuffix(suffix), suffix);
        }
        for (String domain : List.of("example.cn", "example.com.cn", "xn--fsq092h.xn--fiqs8s", "user.github.io",
                "www.ck")) {
            assertFalse(psl.isPublicSuffix(domain), domain);
        }
        assertTrue(psl.isPublicSuffix("anything.ck"), "wildcard rule *.ck");
    }
}
