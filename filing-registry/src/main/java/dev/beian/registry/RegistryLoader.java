package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.filing.InvalidFilingNumberException;
import dev.beian.host.DomainIndex;
import dev.beian.host.HostNormalizer;
import dev.beian.host.NormalizedHost;
import dev.beian.host.PublicSuffixList;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.Collectors;
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
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
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

    // The keys each mapping may have; a mapping is read into an array in this order.
    private static final List<String> ROOT_KEYS = List.of("subjects");
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
    private final ForkJoinPool piecePool;

    /**
     * @param knownUpstreams upstream names gateway.yaml defines; null to skip that check (the
     *                       {@code validate} command without a config)
     */
    public RegistryLoader(Set<String> knownUpstreams, Clock clock) {
        this(knownUpstreams, clock, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param parallelism threads that compose the pieces of a large file; a gateway that reloads while it
     *                    serves gives fewer than all cores, so that a reload never starves its event loops
     */
    public RegistryLoader(Set<String> knownUpstreams, Clock clock, int parallelism) {
        this.knownUpstreams = knownUpstreams == null ? null : Set.copyOf(knownUpstreams);
        this.publicSuffixes = PublicSuffixList.shipped();
        this.clock = clock;
        this.piecePool = parallelism <= 1 ? null : SharedPools.of(parallelism);
    }

    /** Loads and validates a file; the registry, or every error in it. */
    public Registry load(Path path) throws IOException, InvalidRegistryException {
        byte[] bytes = Files.readAllBytes(path);
        return parse(bytes, path);
    }

    /** Validates bytes as they would be loaded from {@code path} (used for messages only; may be null). */
    public Registry parse(byte[] bytes, Path path) throws InvalidRegistryException {
        List<RegistrySegments.Segment> segments = RegistrySegments.split(bytes);
        List<EntryReader> pieces = null;
        if (segments != null) {
            pieces = readSegments(bytes, segments);
            if (pieces.stream().anyMatch(p -> p == null)) {
                pieces = null; // a piece that does not parse alone: let the whole file speak
            }
        }
        List<RegistryError> errors = new ArrayList<>();
        if (pieces == null) {
            EntryReader whole = readWhole(decode(bytes), errors);
            pieces = whole == null ? List.of() : List.of(whole);
        }
        for (EntryReader piece : pieces) {
            errors.addAll(piece.errors);
        }
        Registry registry = merge(pieces, errors, bytes, path);
        if (!errors.isEmpty()) {
            Collections.sort(errors);
            throw new InvalidRegistryException(path == null ? "registry" : path.toString(), errors);
        }
        return registry;
    }

    private static String decode(byte[] bytes) {
        int offset = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        return new String(bytes, offset, bytes.length - offset, StandardCharsets.UTF_8);
    }

    /** No size limit (a platform's registry is tens of megabytes), few aliases (no billion laughs). */
    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        return TextYaml.create(options);
    }

    private List<EntryReader> readSegments(byte[] bytes, List<RegistrySegments.Segment> segments) {
        if (piecePool == null) {
            return segments.stream().map(s -> readSegment(bytes, s)).collect(Collectors.toList());
        }
        return piecePool.submit(() -> segments.parallelStream().map(s -> readSegment(bytes, s))
                .collect(Collectors.toList())).join();
    }

    /** Pools for the pieces, one per size, shared by every loader: daemon threads, created on first use. */
    private static final class SharedPools {
        private static final java.util.Map<Integer, ForkJoinPool> POOLS = new java.util.concurrent.ConcurrentHashMap<>();

        static ForkJoinPool of(int parallelism) {
            return POOLS.computeIfAbsent(parallelism, n -> new ForkJoinPool(n, pool -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("registry-load-" + t.getPoolIndex());
                t.setDaemon(true);
                return t;
            }, null, false));
        }
    }

    /** One piece composed alone and read; null when it does not parse alone. */
    private EntryReader readSegment(byte[] bytes, RegistrySegments.Segment segment) {
        Node node;
        try {
            node = yaml().compose(new InputStreamReader(
                    new ByteArrayInputStream(bytes, segment.offset(), segment.length()), StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            return null;
        }
        if (!(node instanceof SequenceNode sequence)) {
            return null;
        }
        EntryReader reader = new EntryReader(segment.firstLine());
        reader.subjects(sequence.getValue());
        return reader;
    }

    /** The whole file composed at once: small files, unusual shapes, and the authoritative syntax errors. */
    private EntryReader readWhole(String text, List<RegistryError> errors) {
        Node root;
        try {
            root = yaml().compose(new StringReader(text));
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
        EntryReader reader = new EntryReader(0);
        Node[] top = reader.mapping(root, ROOT_KEYS, "the registry");
        if (top != null) {
            Node subjectsNode = reader.require(top, 0, ROOT_KEYS, root);
            if (subjectsNode != null) {
                reader.subjects(reader.sequence(subjectsNode, "subjects"));
            }
        }
        return reader;
    }

    /**
     * The checks that span the whole file, in file order: numbers and domains used twice; then the index.
     */
    private Registry merge(List<EntryReader> pieces, List<RegistryError> errors, byte[] bytes, Path path) {
        int subjectCount = 0;
        int websiteCount = 0;
        int domainCount = 0;
        for (EntryReader piece : pieces) {
            subjectCount += piece.subjects.size();
            for (SubjectDraft s : piece.subjects) {
                websiteCount += s.websites.size();
                for (WebsiteDraft w : s.websites) {
                    domainCount += w.domains.size();
                }
            }
        }
        Map<FilingNumber, Integer> numberLines = new HashMap<>(Math.max(16, (subjectCount + websiteCount) * 2));
        DomainIndex.Builder<WebsiteDraft> index = DomainIndex.builder(domainCount);
        List<Subject> subjects = new ArrayList<>(subjectCount);
        for (EntryReader piece : pieces) {
            for (SubjectDraft s : piece.subjects) {
                checkUnique(numberLines, s.subject.number(), s.line, s.column, errors);
                List<Website> websites = new ArrayList<>(s.websites.size());
                for (WebsiteDraft w : s.websites) {
                    checkUnique(numberLines, w.website.number(), w.line, w.column, errors);
                    List<String> kept = new ArrayList<>(w.domains.size());
                    for (int i = 0; i < w.domains.size(); i++) {
                        String domain = w.domains.get(i);
                        WebsiteDraft first = index.putIfAbsent(domain, w);
                        if (first != null) {
                            errors.add(new RegistryError(w.domainLines[i], w.domainColumns[i], "domain " + domain
                                    + " is listed twice (first at line " + first.lineOf(domain) + ")"));
                        } else {
                            kept.add(domain);
                        }
                    }
                    w.website.domains(kept);
                    websites.add(w.website);
                }
                s.subject.websites(websites);
                subjects.add(s.subject);
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new Registry(List.copyOf(subjects), websiteCount, index.build().mapValues(w -> w.website),
                version(bytes), clock.instant(), path);
    }

    private static void checkUnique(Map<FilingNumber, Integer> lines, FilingNumber number, int line, int column,
                                    List<RegistryError> errors) {
        Integer first = lines.putIfAbsent(number, line);
        if (first != null) {
            errors.add(new RegistryError(line, column, "number " + number + " is used twice (first at line "
                    + first + ")"));
        }
    }

    /** The version of a registry file: the hex SHA-256 of its bytes. */
    public static String version(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A subject read from one piece, with where its number stands. */
    private static final class SubjectDraft {
        final Subject subject;
        final int line;
        final int column;
        final List<WebsiteDraft> websites = new ArrayList<>(2);

        SubjectDraft(Subject subject, int line, int column) {
            this.subject = subject;
            this.line = line;
            this.column = column;
        }
    }

    /** A website read from one piece, with where its number and each domain stand. */
    private static final class WebsiteDraft {
        final Website website;
        final int line;
        final int column;
        final List<String> domains;
        final int[] domainLines;
        final int[] domainColumns;

        WebsiteDraft(Website website, int line, int column, List<String> domains, int[] domainLines,
                     int[] domainColumns) {
            this.website = website;
            this.line = line;
            this.column = column;
            this.domains = domains;
            this.domainLines = domainLines;
            this.domainColumns = domainColumns;
        }

        int lineOf(String domain) {
            return domainLines[domains.indexOf(domain)];
        }
    }

    /**
     * Reads subject nodes of one piece into drafts, checking everything that one entry can tell by
     * itself. Each piece has its own reader, so pieces run in parallel without sharing anything mutable.
     */
    private final class EntryReader {
        final int lineOffset;
        final List<RegistryError> errors = new ArrayList<>();
        final List<SubjectDraft> subjects = new ArrayList<>();
        /** Equal names and upstreams share one string: registries repeat "官网" a hundred thousand times. */
        final Map<String, String> strings = new HashMap<>();

        EntryReader(int lineOffset) {
            this.lineOffset = lineOffset;
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
            Node[] map = mapping(node, SUBJECT_KEYS, "a subject");
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
            Subject subject = new Subject(number, name, status);
            SubjectDraft draft = numberNode == null ? null
                    : new SubjectDraft(subject, line(numberNode), column(numberNode));
            for (Node websiteNode : websiteNodes) {
                WebsiteDraft website = website(websiteNode, subject);
                if (website != null && draft != null) {
                    draft.websites.add(website);
                }
            }
            return number == null ? null : draft;
        }

        private WebsiteDraft website(Node node, Subject subject) {
            Node[] map = mapping(node, WEBSITE_KEYS, "a website");
            if (map == null) {
                return null;
            }
            Node numberNode = require(map, NUMBER, WEBSITE_KEYS, node);
            FilingNumber number = number(numberNode, true);
            if (number != null && subject.number() != null && !number.isWebsiteOf(subject.number())) {
                error(numberNode, "website number " + number + " is not its subject's number "
                        + subject.number() + " followed by -N");
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
            String upstream = DEFAULT_UPSTREAM;
            Node upstreamNode = map[UPSTREAM];
            if (upstreamNode != null) {
                upstream = text(upstreamNode, "upstream");
            }
            if (upstream != null && knownUpstreams != null && !knownUpstreams.contains(upstream)) {
                error(upstreamNode != null ? upstreamNode : node, "upstream '" + upstream
                        + "' is not defined in gateway.yaml (defined: " + String.join(", ", sorted(knownUpstreams)) + ")");
            }
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
            if (number == null) {
                return null;
            }
            Website website = new Website(subject, number, share(name), access, accessUntil, status,
                    upstream == null ? DEFAULT_UPSTREAM : share(upstream));
            return new WebsiteDraft(website, line(numberNode), column(numberNode), domains, lines, columns);
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

        /** The values of a mapping's keys, in the order of {@code allowed}; null when it is no mapping. */
        Node[] mapping(Node node, List<String> allowed, String what) {
            if (!(node instanceof MappingNode mapping)) {
                error(node, what + " must be a mapping of keys to values");
                return null;
            }
            Node[] values = new Node[allowed.size()];
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode scalarKey)) {
                    error(keyNode, "a key must be a plain word");
                    continue;
                }
                String key = scalarKey.getValue();
                int slot = allowed.indexOf(key);
                if (slot < 0) {
                    error(keyNode, "unknown key '" + key + "' in " + what + " (allowed: "
                            + String.join(", ", sorted(allowed)) + ")");
                } else if (values[slot] != null) {
                    error(keyNode, "key '" + key + "' is given twice");
                } else {
                    values[slot] = tuple.getValueNode();
                }
            }
            return values;
        }

        Node require(Node[] values, int slot, List<String> keys, Node owner) {
            Node node = values[slot];
            if (node == null) {
                error(owner, "missing required key '" + keys.get(slot) + "'");
            } else if (isNull(node)) {
                error(node, "'" + keys.get(slot) + "' must not be empty");
                return null;
            }
            return node;
        }

        List<Node> sequence(Node node, String what) {
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
            if (isNull(node) || scalar.getValue().isBlank()) { // explicit null too: "~" is no name
                error(node, what + " must not be empty");
                return null;
            }
            String value = scalar.getValue();
            // plain scalars arrive trimmed; only quoted ones can carry spaces at the ends
            return scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? value : value.strip();
        }

        private int line(Node node) {
            return node.getStartMark().getLine() + 1 + lineOffset;
        }

        private int column(Node node) {
            return node.getStartMark().getColumn() + 1;
        }

        private void error(Node node, String message) {
            errors.add(new RegistryError(line(node), column(node), message));
        }
    }

    /** An empty value ({@code key:}), {@code ~} or {@code null}, written plain. */
    private static boolean isNull(Node node) {
        if (!(node instanceof ScalarNode scalar) || scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            return false;
        }
        String v = scalar.getValue();
        return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
    }

    private static List<String> sorted(Collection<String> set) {
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
