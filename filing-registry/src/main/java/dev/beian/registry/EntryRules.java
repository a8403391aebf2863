package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.filing.InvalidFilingNumberException;
import dev.beian.host.HostNormalizer;
import dev.beian.host.NormalizedHost;
import dev.beian.host.PublicSuffixList;
import dev.beian.yaml.NodeReader;
import dev.beian.yaml.YamlError;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The rules for one value of an entry (SPEC §5), whoever read it from the YAML: each number parsed and of
 * the right kind, each domain a valid host that is neither a single label nor a public suffix, access and
 * status spelled right, {@code access-until} a date, each upstream one gateway.yaml defines. Shared by the
 * node reader ({@link RegistryEntries}) and the event reader ({@link EntryEvents}), so that both say the
 * same thing at the same place. Raw values arrive as written; errors go to the list given.
 */
final class EntryRules {
    private final Set<String> knownUpstreams;
    private final PublicSuffixList publicSuffixes;
    private final List<YamlError> errors;

    EntryRules(Set<String> knownUpstreams, PublicSuffixList publicSuffixes, List<YamlError> errors) {
        this.knownUpstreams = knownUpstreams;
        this.publicSuffixes = publicSuffixes;
        this.errors = errors;
    }

    void error(int line, int column, String message) {
        errors.add(new YamlError(line, column, message));
    }

    /** A subject number ({@code website} false) or a website number; null (with an error) if it is not one. */
    FilingNumber number(String raw, boolean website, int line, int column) {
        if (raw == null) {
            return null;
        }
        FilingNumber number;
        try {
            number = FilingNumber.parse(raw);
        } catch (InvalidFilingNumberException e) {
            error(line, column, e.getMessage());
            return null;
        }
        if (website && !number.isWebsite()) {
            error(line, column, "website number " + number + " needs a -N suffix");
            return null;
        }
        if (!website && number.isWebsite()) {
            error(line, column, "subject number " + number + " must not have a -N suffix (that is a website number)");
            return null;
        }
        return number;
    }

    /** The website number must be its subject's plus {@code -N}. */
    void websiteOf(FilingNumber website, FilingNumber subject, int line, int column) {
        if (website != null && subject != null && !website.isWebsiteOf(subject)) {
            error(line, column, "website number " + website + " is not its subject's number " + subject
                    + " followed by -N");
        }
    }

    /** A normalised domain, or null with an error. */
    String domain(String raw, int line, int column) {
        if (raw == null) {
            return null;
        }
        NormalizedHost host = HostNormalizer.normalizeDomain(raw);
        if (!host.isValid()) {
            error(line, column, "'" + raw + "' is not a valid domain: " + host.problem());
            return null;
        }
        if (host.isIpLiteral()) {
            error(line, column, "'" + raw + "' is an IP address; bare IP addresses are not subject to filing");
            return null;
        }
        String domain = host.value();
        if (domain.indexOf('.') < 0) {
            error(line, column, "'" + raw + "' is a single label; a filing covers a registered domain such as example.cn");
            return null;
        }
        if (publicSuffixes.isPublicSuffix(domain)) {
            error(line, column, "'" + raw + "' is a public suffix; a filing cannot cover everyone's domains under it");
            return null;
        }
        return domain;
    }

    Access access(String raw, int line, int column) {
        if (raw == null) {
            return null;
        }
        Access access = Access.fromYaml(raw);
        if (access == null) {
            error(line, column, "access must be here, provisional, elsewhere or withdrawn, not '" + raw + "'");
        }
        return access;
    }

    /** {@code raw} null: the default, active. */
    Status status(String raw, int line, int column) {
        if (raw == null) {
            return Status.ACTIVE;
        }
        Status status = Status.fromYaml(raw);
        if (status == null) {
            error(line, column, "status must be active or cancelled, not '" + raw + "'");
            return Status.ACTIVE;
        }
        return status;
    }

    Instant accessUntil(String raw, int line, int column) {
        if (raw == null) {
            return null;
        }
        Instant until = AccessUntil.parse(raw);
        if (until == null) {
            error(line, column, "access-until must be a date (2027-01-10) or date-time (2027-01-10T18:00:00, "
                    + "optionally with an offset), not '" + raw + "'");
        }
        return until;
    }

    /** {@code raw} null and {@code given} false: the default upstream. */
    String upstream(String raw, boolean given, int line, int column) {
        String upstream = given ? raw : Registry.DEFAULT_UPSTREAM;
        if (upstream != null && knownUpstreams != null && !knownUpstreams.contains(upstream)) {
            error(line, column, "upstream '" + upstream + "' is not defined in gateway.yaml (defined: "
                    + String.join(", ", NodeReader.sorted(knownUpstreams)) + ")");
        }
        return upstream == null ? Registry.DEFAULT_UPSTREAM : upstream;
    }

    static final String PROVISIONAL_NEEDS_UNTIL =
            "access: provisional needs access-until (the end of the 45-day provisional access)";
}
