package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.filing.InvalidFilingNumberException;
import dev.beian.host.HostNormalizer;
import dev.beian.host.NormalizedHost;
import dev.beian.host.PublicSuffixList;
import dev.beian.registry.Drafts.SubjectDraft;
import dev.beian.registry.Drafts.WebsiteDraft;
import dev.beian.yaml.NodeReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The rules one entry can be checked by alone (SPEC §5): reads the subject nodes of one piece of a file into
 * drafts, each number parsed, each website number its subject's plus {@code -N}, each domain a valid host
 * that is neither a single label nor a public suffix, {@code provisional} with {@code access-until}, each
 * upstream one gateway.yaml defines. Rules across the file are {@link RegistryAssembly}'s.
 */
final class RegistryEntries extends NodeReader {
    static final List<String> ROOT_KEYS = List.of("subjects");
    private static final List<String> SUBJECT_KEYS = List.of("number", "name", "status", "websites");
    private static final List<String> WEBSITE_KEYS =
            List.of("number", "name", "domains", "access", "access-until", "status", "upstream");
    private static final int NUMBER = 0;
    private static final int NAME = 1;
    private static final int SUBJECT_STATUS = 2;
    private static final int WEBSITES = 3;
    private static final int DOMAINS = 2;
    private static final int ACCESS = 3;
    private static final int ACCESS_UNTIL = 4;
    private static final int WEBSITE_STATUS = 5;
    private static final int UPSTREAM = 6;

    private final Set<String> knownUpstreams;
    private final PublicSuffixList publicSuffixes;
    private final List<SubjectDraft> subjects = new ArrayList<>();
    /** Equal names and upstreams share one string: registries repeat "官网" a hundred thousand times. */
    private final Map<String, String> strings = new HashMap<>();

    /** {@code knownUpstreams}: null to skip that check (the validate command without a config). */
    RegistryEntries(int lineOffset, Set<String> knownUpstreams, PublicSuffixList publicSuffixes) {
        super(lineOffset);
        this.knownUpstreams = knownUpstreams;
        this.publicSuffixes = publicSuffixes;
    }

    List<SubjectDraft> subjects() {
        return subjects;
    }

    void subjects(List<Node> nodes) {
        for (Node node : nodes) {
            SubjectDraft subject = subject(node);
            if (subject != null) {
                subjects.add(subject);
            }
        }
    }

    private SubjectDraft subject(Node node) {
        Node[] map = slots(node, SUBJECT_KEYS, "a subject");
        if (map == null) {
            return null;
        }
        Node numberNode = require(map, NUMBER, SUBJECT_KEYS, node);
        FilingNumber number = number(numberNode, false);
        String name = text(require(map, NAME, SUBJECT_KEYS, node), "name");
        Status status = status(map[SUBJECT_STATUS]);
        Node websitesNode = map[WEBSITES];
        List<Node> websiteNodes = websitesNode == null || isNull(websitesNode) ? List.of()
                : sequence(websitesNode, "websites");
        List<WebsiteDraft> websites = new ArrayList<>(websiteNodes.size());
        for (Node websiteNode : websiteNodes) {
            WebsiteDraft website = website(websiteNode, number);
            if (website != null) {
                websites.add(website);
            }
        }
        return number == null ? null
                : new SubjectDraft(number, name, status, line(numberNode), column(numberNode), websites);
    }

    private WebsiteDraft website(Node node, FilingNumber subject) {
        Node[] map = slots(node, WEBSITE_KEYS, "a website");
        if (map == null) {
            return null;
        }
        Node numberNode = require(map, NUMBER, WEBSITE_KEYS, node);
        FilingNumber number = number(numberNode, true);
        if (number != null && subject != null && !number.isWebsiteOf(subject)) {
            error(numberNode, "website number " + number + " is not its subject's number " + subject + " followed by -N");
        }
        String name = text(require(map, NAME, WEBSITE_KEYS, node), "name");
        Access access = access(require(map, ACCESS, WEBSITE_KEYS, node));
        Instant accessUntil = null;
        Node untilNode = map[ACCESS_UNTIL];
        if (untilNode != null) {
            accessUntil = accessUntil(untilNode);
        } else if (access == Access.PROVISIONAL) {
            error(node, "access: provisional needs access-until (the end of the 45-day provisional access)");
        }
        if (access != Access.PROVISIONAL) {
            accessUntil = null; // only meaningful for provisional access; a leftover is harmless
        }
        Status status = status(map[WEBSITE_STATUS]);
        String upstream = upstream(map[UPSTREAM], node);
        Node domainsNode = require(map, DOMAINS, WEBSITE_KEYS, node);
        List<Node> domainNodes = domainsNode == null ? List.of() : sequence(domainsNode, "domains");
        if (domainsNode != null && domainNodes.isEmpty() && domainsNode instanceof SequenceNode) {
            error(domainsNode, "domains must list at least one domain");
        }
        List<String> domains = new ArrayList<>(domainNodes.size());
        int[] lines = new int[domainNodes.size()];
        int[] columns = new int[domainNodes.size()];
        for (Node domainNode : domainNodes) {
            String domain = domain(domainNode);
            if (domain != null) {
                lines[domains.size()] = line(domainNode);
                columns[domains.size()] = column(domainNode);
                domains.add(domain);
            }
        }
        if (number == null || subject == null) {
            return null;
        }
        return new WebsiteDraft(number, share(name), access, accessUntil, status, upstream, line(numberNode),
                column(numberNode), domains, lines, columns);
    }

    private String upstream(Node node, Node owner) {
        String upstream = node == null ? Registry.DEFAULT_UPSTREAM : text(node, "upstream");
        if (upstream != null && knownUpstreams != null && !knownUpstreams.contains(upstream)) {
            error(node != null ? node : owner, "upstream '" + upstream + "' is not defined in gateway.yaml (defined: "
                    + String.join(", ", sorted(knownUpstreams)) + ")");
        }
        return upstream == null ? Registry.DEFAULT_UPSTREAM : share(upstream);
    }

    private String share(String s) {
        return s == null ? null : strings.computeIfAbsent(s, k -> k);
    }

    private String domain(Node node) {
        String raw = text(node, "a domain");
        if (raw == null) {
            return null;
        }
        NormalizedHost host = HostNormalizer.normalizeDomain(raw);
        if (!host.isValid()) {
            error(node, "'" + raw + "' is not a valid domain: " + host.problem());
            return null;
        }
        if (host.isIpLiteral()) {
            error(node, "'" + raw + "' is an IP address; bare IP addresses are not subject to filing");
            return null;
        }
        String domain = host.value();
        if (domain.indexOf('.') < 0) {
            error(node, "'" + raw + "' is a single label; a filing covers a registered domain such as example.cn");
            return null;
        }
        if (publicSuffixes.isPublicSuffix(domain)) {
            error(node, "'" + raw + "' is a public suffix; a filing cannot cover everyone's domains under it");
            return null;
        }
        return domain;
    }

    private FilingNumber number(Node node, boolean website) {
        String raw = text(node, "number");
        if (raw == null) {
            return null;
        }
        FilingNumber number;
        try {
            number = FilingNumber.parse(raw);
        } catch (InvalidFilingNumberException e) {
            error(node, e.getMessage());
            return null;
        }
        if (website && !number.isWebsite()) {
            error(node, "website number " + number + " needs a -N suffix");
            return null;
        }
        if (!website && number.isWebsite()) {
            error(node, "subject number " + number + " must not have a -N suffix (that is a website number)");
            return null;
        }
        return number;
    }

    private Access access(Node node) {
        String raw = text(node, "access");
        if (raw == null) {
            return null;
        }
        Access access = Access.fromYaml(raw);
        if (access == null) {
            error(node, "access must be here, provisional, elsewhere or withdrawn, not '" + raw + "'");
        }
        return access;
    }

    private Status status(Node node) {
        String raw = text(node, "status");
        if (raw == null) {
            return Status.ACTIVE;
        }
        Status status = Status.fromYaml(raw);
        if (status == null) {
            error(node, "status must be active or cancelled, not '" + raw + "'");
            return Status.ACTIVE;
        }
        return status;
    }

    private Instant accessUntil(Node node) {
        String raw = text(node, "access-until");
        if (raw == null) {
            return null;
        }
        Instant until = AccessUntil.parse(raw);
        if (until == null) {
            error(node, "access-until must be a date (2027-01-10) or date-time (2027-01-10T18:00:00, "
                    + "optionally with an offset), not '" + raw + "'");
        }
        return until;
    }
}
