package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.filing.InvalidFilingNumberException;
import dev.beian.host.DomainIndex;
import dev.beian.host.HostNormalizer;
import dev.beian.host.NormalizedHost;
import dev.beian.host.PublicSuffixList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.UnicodeReader;

/**
 * Reads registry.yaml (SPEC §5) through SnakeYAML's node API, so that every error carries the line and
 * column of the node it is about, and validates the file whole: all errors are collected, and a file with
 * any error yields no registry at all.
 *
 * <p>Dates without an offset are China Standard Time (+08:00). A date alone in {@code access-until} means
 * the whole of that day: access ends at the following midnight, Beijing time.
 */
public final class RegistryLoader {
    /** Offset of dates written without one. */
    public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    /** Upstream of a website that names none. */
    public static final String DEFAULT_UPSTREAM = "default";

    private static final Set<String> ROOT_KEYS = Set.of("subjects");
    private static final Set<String> SUBJECT_KEYS = Set.of("number", "name", "status", "websites");
    private static final Set<String> WEBSITE_KEYS =
            Set.of("number", "name", "domains", "access", "access-until", "status", "upstream");

    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(LOCAL_DATE_TIME)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter();

    private final Set<String> knownUpstreams;
    private final PublicSuffixList publicSuffixes;
    private final Clock clock;

    /**
     * @param knownUpstreams upstream names gateway.yaml defines; null to skip that check (the
     *                       {@code validate} command without a config)
     */
    public RegistryLoader(Set<String> knownUpstreams, Clock clock) {
        this.knownUpstreams = knownUpstreams == null ? null : Set.copyOf(knownUpstreams);
        this.publicSuffixes = PublicSuffixList.shipped();
        this.clock = clock;
    }

    /** Loads and validates a file; the registry, or every error in it. */
    public Registry load(Path path) throws IOException, InvalidRegistryException {
        byte[] bytes = Files.readAllBytes(path);
        return parse(bytes, path);
    }

    /** Validates bytes as they would be loaded from {@code path} (used for messages only; may be null). */
    public Registry parse(byte[] bytes, Path path) throws InvalidRegistryException {
        Parse parse = new Parse();
        Registry registry = parse.run(bytes, path);
        if (!parse.errors.isEmpty()) {
            Collections.sort(parse.errors);
            throw new InvalidRegistryException(path == null ? "registry" : path.toString(), parse.errors);
        }
        return registry;
    }

    /** The version of a registry file: the hex SHA-256 of its bytes. */
    public static String version(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One load: the errors it found and what it has built so far. */
    private final class Parse {
        final List<RegistryError> errors = new ArrayList<>();
        final Map<FilingNumber, Mark> numbers = new HashMap<>();
        final Map<String, Mark> domainMarks = new HashMap<>();
        DomainIndex.Builder<Website> index;
        int websiteCount;

        Registry run(byte[] bytes, Path path) {
            Node root;
            try {
                LoaderOptions options = new LoaderOptions();
                options.setCodePointLimit(Integer.MAX_VALUE);
                options.setAllowDuplicateKeys(false);
                options.setMaxAliasesForCollections(50);
                root = new Yaml(options).compose(new UnicodeReader(new ByteArrayInputStream(bytes)));
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
                errors.add(mark == null ? new RegistryError(1, 1, "YAML syntax: " + problem)
                        : new RegistryError(mark.getLine() + 1, mark.getColumn() + 1, "YAML syntax: " + problem));
                return null;
            } catch (YAMLException e) {
                errors.add(new RegistryError(1, 1, "YAML: " + e.getMessage()));
                return null;
            }
            if (root == null) {
                // An empty file is far more often a half-written one than an intended "block everything".
                errors.add(new RegistryError(1, 1, "the file is empty; expected a mapping with 'subjects' "
                        + "(write 'subjects: []' for a registry with nothing filed)"));
                return null;
            }
            Map<String, Node> top = mapping(root, ROOT_KEYS, "the registry");
            if (top == null) {
                return null;
            }
            Node subjectsNode = require(top, "subjects", root);
            List<Node> subjectNodes = subjectsNode == null ? List.of() : sequence(subjectsNode, "subjects");
            int expectedDomains = Math.max(16, bytes.length / 64);
            index = DomainIndex.builder(expectedDomains);
            List<Subject> subjects = new ArrayList<>(subjectNodes.size());
            for (Node node : subjectNodes) {
                Subject subject = subject(node);
                if (subject != null) {
                    subjects.add(subject);
                }
            }
            if (!errors.isEmpty()) {
                return null;
            }
            return new Registry(List.copyOf(subjects), websiteCount, index.build(), version(bytes),
                    clock.instant(), path);
        }

        private Subject subject(Node node) {
            Map<String, Node> map = mapping(node, SUBJECT_KEYS, "a subject");
            if (map == null) {
                return null;
            }
            FilingNumber number = number(require(map, "number", node), false);
            String name = text(require(map, "name", node), "name");
            Status status = status(map.get("status"));
            Node websitesNode = map.get("websites");
            List<Node> websiteNodes = websitesNode == null || isNull(websitesNode) ? List.of()
                    : sequence(websitesNode, "websites");
            Subject subject = new Subject(number, name, status);
            List<Website> websites = new ArrayList<>(websiteNodes.size());
            for (Node websiteNode : websiteNodes) {
                Website website = website(websiteNode, subject);
                if (website != null) {
                    websites.add(website);
                }
            }
            subject.websites(websites);
            return number == null ? null : subject;
        }

        private Website website(Node node, Subject subject) {
            Map<String, Node> map = mapping(node, WEBSITE_KEYS, "a website");
            if (map == null) {
                return null;
            }
            Node numberNode = require(map, "number", node);
            FilingNumber number = number(numberNode, true);
            if (number != null && subject.number() != null && !number.isWebsiteOf(subject.number())) {
                error(numberNode, "website number " + number + " is not its subject's number "
                        + subject.number() + " followed by -N");
            }
            String name = text(require(map, "name", node), "name");
            Access access = access(require(map, "access", node));
            Instant accessUntil = null;
            Node untilNode = map.get("access-until");
            if (untilNode != null) {
                accessUntil = accessUntil(untilNode);
            } else if (access == Access.PROVISIONAL) {
                error(node, "access: provisional needs access-until (the end of the 45-day provisional access)");
            }
            if (access != Access.PROVISIONAL) {
                accessUntil = null; // only meaningful for provisional access; a leftover is harmless
            }
            Status status = status(map.get("status"));
            String upstream = DEFAULT_UPSTREAM;
            Node upstreamNode = map.get("upstream");
            if (upstreamNode != null) {
                upstream = text(upstreamNode, "upstream");
            }
            if (upstream != null && knownUpstreams != null && !knownUpstreams.contains(upstream)) {
                error(upstreamNode != null ? upstreamNode : node, "upstream '" + upstream
                        + "' is not defined in gateway.yaml (defined: " + String.join(", ", sorted(knownUpstreams)) + ")");
            }
            List<String> domains = new ArrayList<>();
            Node domainsNode = require(map, "domains", node);
            List<Node> domainNodes = domainsNode == null ? List.of() : sequence(domainsNode, "domains");
            if (domainsNode != null && domainNodes.isEmpty() && domainsNode instanceof SequenceNode) {
                error(domainsNode, "domains must list at least one domain");
            }
            Website website = new Website(subject, number, name, domains, access, accessUntil, status,
                    upstream == null ? DEFAULT_UPSTREAM : upstream);
            for (Node domainNode : domainNodes) {
                String domain = domain(domainNode);
                if (domain == null) {
                    continue;
                }
                Mark first = domainMarks.putIfAbsent(domain, domainNode.getStartMark());
                if (first != null) {
                    error(domainNode, "domain " + domain + " is listed twice (first at line "
                            + (first.getLine() + 1) + ")");
                    continue;
                }
                domains.add(domain);
                index.putIfAbsent(domain, website);
            }
            websiteCount++;
            return number == null ? null : website;
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
            if (node == null) {
                return null;
            }
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
            Mark first = numbers.putIfAbsent(number, node.getStartMark());
            if (first != null) {
                error(node, "number " + number + " is used twice (first at line " + (first.getLine() + 1) + ")");
                return null;
            }
            return number;
        }

        private Access access(Node node) {
            if (node == null) {
                return null;
            }
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
            if (node == null) {
                return Status.ACTIVE;
            }
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
            Instant until = parseAccessUntil(raw);
            if (until == null) {
                error(node, "access-until must be a date (2027-01-10) or date-time (2027-01-10T18:00:00, "
                        + "optionally with an offset), not '" + raw + "'");
            }
            return until;
        }

        private Map<String, Node> mapping(Node node, Set<String> allowed, String what) {
            if (!(node instanceof MappingNode mapping)) {
                error(node, what + " must be a mapping of keys to values");
                return null;
            }
            Map<String, Node> map = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode scalarKey)) {
                    error(keyNode, "a key must be a plain word");
                    continue;
                }
                String key = scalarKey.getValue();
                if (!allowed.contains(key)) {
                    error(keyNode, "unknown key '" + key + "' in " + what + " (allowed: "
                            + String.join(", ", sorted(allowed)) + ")");
                    continue;
                }
                if (map.putIfAbsent(key, tuple.getValueNode()) != null) {
                    error(keyNode, "key '" + key + "' is given twice");
                }
            }
            return map;
        }

        private Node require(Map<String, Node> map, String key, Node owner) {
            Node node = map.get(key);
            if (node == null) {
                error(owner, "missing required key '" + key + "'");
            } else if (isNull(node)) {
                error(node, "'" + key + "' must not be empty");
                return null;
            }
            return node;
        }

        private List<Node> sequence(Node node, String what) {
            if (!(node instanceof SequenceNode seq)) {
                error(node, what + " must be a list");
                return List.of();
            }
            return seq.getValue();
        }

        private String text(Node node, String what) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof ScalarNode scalar)) {
                error(node, what + " must be a single value, not a list or mapping");
                return null;
            }
            if (isNull(node) || scalar.getValue().isBlank()) {
                error(node, what + " must not be empty");
                return null;
            }
            return scalar.getValue().strip();
        }

        private void error(Node node, String message) {
            Mark mark = node.getStartMark();
            errors.add(new RegistryError(mark.getLine() + 1, mark.getColumn() + 1, message));
        }
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static List<String> sorted(Set<String> set) {
        List<String> list = new ArrayList<>(set);
        Collections.sort(list);
        return list;
    }

    /**
     * {@code 2027-01-10} (through the end of that day, Beijing time), {@code 2027-01-10T18:00[:00]}
     * (Beijing time), or with an offset; null when it parses as none of them.
     */
    public static Instant parseAccessUntil(String raw) {
        String s = raw.strip();
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).plusDays(1).atStartOfDay(CHINA).toInstant();
            }
            var parsed = OFFSET_DATE_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            if (parsed instanceof OffsetDateTime odt) {
                return odt.toInstant();
            }
            return ((LocalDateTime) parsed).atZone(CHINA).toInstant();
        } catch (DateTimeException e) {
            try {
                return LocalDateTime.parse(s, LOCAL_DATE_TIME).atZone(CHINA).toInstant();
            } catch (DateTimeException e2) {
                return null;
            }
        }
    }
}
