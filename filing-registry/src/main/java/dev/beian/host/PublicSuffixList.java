package dev.beian.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The Public Suffix List (both ICANN and private sections), read from the copy shipped in this jar
 * ({@code scripts/refresh-psl.sh} refreshes it). The registry refuses a public suffix as a domain, since
 * a filing for {@code com.cn} or {@code github.io} would cover everybody's sites under it.
 */
public final class PublicSuffixList {
    static final String RESOURCE = "/dev/beian/host/public_suffix_list.dat";

    private final Set<String> rules;
    private final Set<String> wildcardParents;
    private final Set<String> exceptions;

    private PublicSuffixList(Set<String> rules, Set<String> wildcardParents, Set<String> exceptions) {
        this.rules = rules;
        this.wildcardParents = wildcardParents;
        this.exceptions = exceptions;
    }

    /**
     * A CRC-32C of the shipped list's text: differs between builds whose lists differ (a compiled registry
     * checked under another list is checked again). Reads the text without parsing it.
     */
    public static int shippedFingerprint() {
        try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(in.readAllBytes());
            return (int) crc.getValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The list shipped with this build, parsed once. */
    public static PublicSuffixList shipped() {
        return Shipped.INSTANCE;
    }

    private static final class Shipped {
        static final PublicSuffixList INSTANCE = load();

        private static PublicSuffixList load() {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                return parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static PublicSuffixList parse(InputStream in) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space > 0) {
                line = line.substring(0, space);
            }
            if (line.startsWith("!")) {
                exceptions.add(ascii(line.substring(1)));
            } else if (line.startsWith("*.")) {
                wildcards.add(ascii(line.substring(2)));
            } else {
                rules.add(ascii(line));
            }
        }
        return new PublicSuffixList(Set.copyOf(rules), Set.copyOf(wildcards), Set.copyOf(exceptions));
    }

    private static String ascii(String rule) {
        return IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * True when {@code domain} (normalised ASCII) is itself a public suffix: {@code com.cn},
     * {@code xn--fiqs8s} (中国), {@code github.io}, any single label (the list's implicit {@code *} rule).
     */
    public boolean isPublicSuffix(String domain) {
        if (exceptions.contains(domain)) {
            return false;
        }
        if (rules.contains(domain)) {
            return true;
        }
        int dot = domain.indexOf('.');
        return dot < 0 || wildcardParents.contains(domain.substring(dot + 1));
    }

    /**
     * The public suffix of {@code domain} (normalised ASCII) by the list's algorithm: the longest matching
     * rule, exception rules first, the implicit {@code *} rule when none matches.
     */
    public String publicSuffix(String domain) {
        String suffix = domain;
        while (true) {
            int dot = suffix.indexOf('.');
            String parent = dot < 0 ? null : suffix.substring(dot + 1);
            if (exceptions.contains(suffix)) {
                return parent;
            }
            if (rules.contains(suffix) || parent != null && wildcardParents.contains(parent)) {
                return suffix;
            }
            if (parent == null) {
                return suffix;
            }
            suffix = parent;
        }
    }

    /** The registrable domain (public suffix plus one label), or null when {@code domain} is a public suffix. */
    public String registrableDomain(String domain) {
        String suffix = publicSuffix(domain);
        if (suffix.length() >= domain.length()) {
            return null;
        }
        String head = domain.substring(0, domain.length() - suffix.length() - 1);
        int dot = head.lastIndexOf('.');
        return head.substring(dot + 1) + "." + suffix;
    }
}
