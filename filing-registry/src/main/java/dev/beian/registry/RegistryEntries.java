package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.host.PublicSuffixList;
import dev.beian.registry.Drafts.SubjectDraft;
import dev.beian.registry.Drafts.WebsiteDraft;
import dev.beian.yaml.NodeReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the subject nodes of a file composed whole into drafts, each value checked by {@link EntryRules}
 * (a website number its subject's plus {@code -N}, {@code provisional} with {@code access-until}, ...).
 * Files of the usual shape are read from SnakeYAML's events instead ({@link EntryEvents}), which is
 * several times cheaper; this reader takes the rest, and has the last word on errors. Rules across the
 * file are {@link RegistryAssembly}'s.
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

    private final EntryRules rules;
    private final List<SubjectDraft> subjects = new ArrayList<>();

    /** {@code knownUpstreams}: null to skip that check (the validate command without a config). */
    RegistryEntries(int lineOffset, Set<String> knownUpstreams, PublicSuffixList publicSuffixes) {
        super(lineOffset);
        this.rules = new EntryRules(knownUpstreams, publicSuffixes, errors());
    }

    /** Entries read by another reader ({@link EntryEvents}): its drafts, its errors. */
    RegistryEntries(List<SubjectDraft> subjects, List<dev.beian.yaml.YamlError> errors) {
        super(0);
        this.rules = null;
        this.subjects.addAll(subjects);
        errors().addAll(errors);
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
        FilingNumber number = rules.number(text(numberNode, "number"), false, lineOf(numberNode), columnOf(numberNode));
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
        FilingNumber number = rules.number(text(numberNode, "number"), true, lineOf(numberNode), columnOf(numberNode));
        rules.websiteOf(number, subject, lineOf(numberNode), columnOf(numberNode));
        String name = text(require(map, NAME, WEBSITE_KEYS, node), "name");
        Node accessNode = require(map, ACCESS, WEBSITE_KEYS, node);
        Access access = rules.access(text(accessNode, "access"), lineOf(accessNode), columnOf(accessNode));
        Instant accessUntil = null;
        Node untilNode = map[ACCESS_UNTIL];
        if (untilNode != null) {
            accessUntil = rules.accessUntil(text(untilNode, "access-until"), line(untilNode), column(untilNode));
        } else if (access == Access.PROVISIONAL) {
            error(node, EntryRules.PROVISIONAL_NEEDS_UNTIL);
        }
        if (access != Access.PROVISIONAL) {
            accessUntil = null; // only meaningful for provisional access; a leftover is harmless
        }
        Status status = status(map[WEBSITE_STATUS]);
        Node upstreamNode = map[UPSTREAM];
        String upstream = rules.upstream(upstreamNode == null ? null : text(upstreamNode, "upstream"),
                upstreamNode != null, line(upstreamNode != null ? upstreamNode : node),
                column(upstreamNode != null ? upstreamNode : node));
        Node domainsNode = require(map, DOMAINS, WEBSITE_KEYS, node);
        List<Node> domainNodes = domainsNode == null ? List.of() : sequence(domainsNode, "domains");
        if (domainsNode != null && domainNodes.isEmpty() && domainsNode instanceof SequenceNode) {
            error(domainsNode, "domains must list at least one domain");
        }
        List<String> domains = new ArrayList<>(domainNodes.size());
        int[] lines = new int[domainNodes.size()];
        int[] columns = new int[domainNodes.size()];
        for (Node domainNode : domainNodes) {
            String domain = rules.domain(text(domainNode, "a domain"), line(domainNode), column(domainNode));
            if (domain != null) {
                lines[domains.size()] = line(domainNode);
                columns[domains.size()] = column(domainNode);
                domains.add(domain);
            }
        }
        if (number == null || subject == null) {
            return null;
        }
        return new WebsiteDraft(number, name, access, accessUntil, status, upstream, line(numberNode),
                column(numberNode), domains, lines, columns);
    }

    private Status status(Node node) {
        return node == null ? Status.ACTIVE : rules.status(text(node, "status"), line(node), column(node));
    }

    private int lineOf(Node node) {
        return node == null ? 0 : line(node);
    }

    private int columnOf(Node node) {
        return node == null ? 0 : column(node);
    }
}
