package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.host.PublicSuffixList;
import dev.beian.registry.Drafts.SubjectDraft;
import dev.beian.registry.Drafts.WebsiteDraft;
import dev.beian.yaml.YamlError;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads a piece of subject items ({@link RegistryItems}) straight from SnakeYAML's events into drafts,
 * without composing nodes: half the garbage of the node reader on a million-domain file (composing allocates
 * some 75 bytes per byte read, the events alone 40), and 40 % less time once the JIT is warm (13 % cold). Marks stay exact, and every
 * message is the node reader's ({@link RegistryEntries}, {@code NodeReader}), at the same line and column:
 * structure (mappings, lists, empty, missing, unknown and repeated keys) is checked here in the same order,
 * values by the shared {@link EntryRules}.
 *
 * <p>Anything unusual (an anchor, an alias, a syntax error, more than one document) returns null: the
 * caller then composes the file, which has the last word.
 */
final class EntryEvents {
    private static final List<String> SUBJECT_KEYS = List.of("number", "name", "status", "websites");
    private static final List<String> WEBSITE_KEYS =
            List.of("number", "name", "domains", "access", "access-until", "status", "upstream");

    private final Parser parser;
    private final int lineOffset;
    private final List<YamlError> errors = new ArrayList<>();
    private final EntryRules rules;
    private final List<SubjectDraft> subjects = new ArrayList<>();

    private EntryEvents(Parser parser, int lineOffset, Set<String> knownUpstreams, PublicSuffixList publicSuffixes) {
        this.parser = parser;
        this.lineOffset = lineOffset;
        this.rules = new EntryRules(knownUpstreams, publicSuffixes, errors);
    }

    /** The entries of a piece that starts at 0-based line {@code lineOffset}; null if it must be composed. */
    static RegistryEntries read(Reader text, int lineOffset, Set<String> knownUpstreams,
                                PublicSuffixList publicSuffixes) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        EntryEvents reader = new EntryEvents(new ParserImpl(new StreamReader(text), options), lineOffset,
                knownUpstreams, publicSuffixes);
        try {
            return reader.readAll() ? new RegistryEntries(reader.subjects, reader.errors) : null;
        } catch (YAMLException | Unusual e) {
            return null;
        }
    }

    /** Something the event reader leaves to the composer. */
    private static final class Unusual extends RuntimeException {
        Unusual() {
            super(null, null, false, false);
        }
    }

    private boolean readAll() {
        if (!next().is(Event.ID.StreamStart) || !next().is(Event.ID.DocumentStart)
                || !next().is(Event.ID.SequenceStart)) {
            return false;
        }
        while (!parser.checkEvent(Event.ID.SequenceEnd)) {
            SubjectDraft subject = subject(next());
            if (subject != null) {
                subjects.add(subject);
            }
        }
        next();
        return next().is(Event.ID.DocumentEnd) && next().is(Event.ID.StreamEnd);
    }

    private Event next() {
        Event event = parser.getEvent();
        if (event.is(Event.ID.Alias) || event instanceof NodeEvent node && node.getAnchor() != null) {
            throw new Unusual();
        }
        return event;
    }

    /** A value as the node reader would see it: a scalar's text and style, or that it was a list or mapping. */
    private record Value(Event.ID kind, String text, boolean plain, int line, int column) {
        boolean isScalar() {
            return kind == Event.ID.Scalar;
        }

        /** NodeReader.isNull: an empty value, {@code ~} or {@code null}, written plain. */
        boolean isNull() {
            return kind == Event.ID.Scalar && plain && (text.isEmpty() || text.equals("~") || text.equals("null")
                    || text.equals("Null") || text.equals("NULL"));
        }
    }

    private int line(Mark mark) {
        return mark.getLine() + 1 + lineOffset;
    }

    private static int column(Mark mark) {
        return mark.getColumn() + 1;
    }

    /** The value starting with {@code event}; a list or mapping is skipped whole. */
    private Value value(Event event) {
        Mark mark = event.getStartMark();
        if (event instanceof ScalarEvent scalar) {
            return new Value(Event.ID.Scalar, scalar.getValue(),
                    scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN, line(mark), column(mark));
        }
        skip(event);
        return new Value(event.getEventId(), null, false, line(mark), column(mark));
    }

    /** Skips the rest of the node that starts with {@code event}. */
    private void skip(Event event) {
        if (!event.is(Event.ID.SequenceStart) && !event.is(Event.ID.MappingStart)) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            Event e = next();
            if (e.is(Event.ID.SequenceStart) || e.is(Event.ID.MappingStart)) {
                depth++;
            } else if (e.is(Event.ID.SequenceEnd) || e.is(Event.ID.MappingEnd)) {
                depth--;
            }
        }
    }

    /**
     * NodeReader.slots: the next key of a mapping and where it goes in {@code allowed}, or -1 when the key and
     * its value were consumed with an error (not a plain word, unknown, repeated); {@code -2} at the end.
     */
    private int key(List<String> allowed, String what, boolean[] seen) {
        Event keyEvent = next();
        if (keyEvent.is(Event.ID.MappingEnd)) {
            return -2;
        }
        Mark mark = keyEvent.getStartMark();
        if (!(keyEvent instanceof ScalarEvent scalar)) {
            skip(keyEvent);
            rules.error(line(mark), column(mark), "a key must be a plain word");
            skip(next());
            return -1;
        }
        String key = scalar.getValue();
        int slot = allowed.indexOf(key);
        if (slot < 0) {
            rules.error(line(mark), column(mark), "unknown key '" + key + "' in " + what + " (allowed: "
                    + String.join(", ", dev.beian.yaml.NodeReader.sorted(allowed)) + ")");
        } else if (seen[slot]) {
            rules.error(line(mark), column(mark), "key '" + key + "' is given twice");
        } else {
            seen[slot] = true;
            return slot;
        }
        skip(next());
        return -1;
    }

    /** NodeReader.require: a required key's value; null (with an error) when missing or empty. */
    private Value require(Value value, List<String> keys, int slot, Value owner) {
        if (value == null) {
            rules.error(owner.line(), owner.column(), "missing required key '" + keys.get(slot) + "'");
        } else if (value.isNull()) {
            rules.error(value.line(), value.column(), "'" + keys.get(slot) + "' must not be empty");
            return null;
        }
        return value;
    }

    /** NodeReader.text: a scalar's text, never empty; null (with an error) otherwise. */
    private String text(Value value, String what) {
        if (value == null) {
            return null;
        }
        if (!value.isScalar()) {
            rules.error(value.line(), value.column(), what + " must be a single value, not a list or mapping");
            return null;
        }
        if (value.isNull() || value.text().isBlank()) {
            rules.error(value.line(), value.column(), what + " must not be empty");
            return null;
        }
        return value.plain() ? value.text() : value.text().strip();
    }

    private SubjectDraft subject(Event start) {
        Mark mark = start.getStartMark();
        Value owner = new Value(start.getEventId(), null, false, line(mark), column(mark));
        if (!start.is(Event.ID.MappingStart)) {
            skip(start);
            rules.error(owner.line(), owner.column(), "a subject must be a mapping of keys to values");
            return null;
        }
        Value[] map = new Value[SUBJECT_KEYS.size()];
        boolean[] seen = new boolean[map.length];
        List<Website> websites = null;
        for (int slot; (slot = key(SUBJECT_KEYS, "a subject", seen)) != -2; ) {
            if (slot == 3) {
                Event value = next();
                if (value.is(Event.ID.SequenceStart)) {
                    websites = websites();
                    map[slot] = new Value(Event.ID.SequenceStart, null, false, 0, 0);
                } else {
                    map[slot] = value(value);
                }
            } else if (slot >= 0) {
                map[slot] = value(next());
            }
        }
        Value numberValue = require(map[0], SUBJECT_KEYS, 0, owner);
        FilingNumber number = rules.number(text(numberValue, "number"), false, lineOf(numberValue),
                columnOf(numberValue));
        String name = text(require(map[1], SUBJECT_KEYS, 1, owner), "name");
        Status status = status(map[2]);
        Value websitesValue = map[3];
        if (websitesValue != null && !websitesValue.isNull() && websites == null) {
            rules.error(websitesValue.line(), websitesValue.column(), "websites must be a list");
        }
        List<WebsiteDraft> drafts = new ArrayList<>(websites == null ? 0 : websites.size());
        for (Website website : websites == null ? List.<Website>of() : websites) {
            rules.websiteOf(website.number, number, website.line, website.column);
            if (website.draft != null && number != null) {
                drafts.add(website.draft);
            }
        }
        return number == null ? null
                : new SubjectDraft(number, name, status, numberValue.line(), numberValue.column(), drafts);
    }

    /** A website read before its subject's number is known (keys come in any order). */
    private record Website(FilingNumber number, int line, int column, WebsiteDraft draft) {
    }

    private List<Website> websites() {
        List<Website> websites = new ArrayList<>(4);
        for (Event item; !(item = next()).is(Event.ID.SequenceEnd); ) {
            Website website = website(item);
            if (website != null) {
                websites.add(website);
            }
        }
        return websites;
    }

    private Website website(Event start) {
        Mark mark = start.getStartMark();
        Value owner = new Value(start.getEventId(), null, false, line(mark), column(mark));
        if (!start.is(Event.ID.MappingStart)) {
            skip(start);
            rules.error(owner.line(), owner.column(), "a website must be a mapping of keys to values");
            return null;
        }
        Value[] map = new Value[WEBSITE_KEYS.size()];
        boolean[] seen = new boolean[map.length];
        List<Value> domainValues = null;
        for (int slot; (slot = key(WEBSITE_KEYS, "a website", seen)) != -2; ) {
            if (slot == 2) {
                Event value = next();
                if (value.is(Event.ID.SequenceStart)) {
                    map[slot] = new Value(Event.ID.SequenceStart, null, false, line(value.getStartMark()),
                            column(value.getStartMark()));
                    domainValues = new ArrayList<>(4);
                    for (Event d; !(d = next()).is(Event.ID.SequenceEnd); ) {
                        domainValues.add(value(d));
                    }
                } else {
                    map[slot] = value(value);
                }
            } else if (slot >= 0) {
                map[slot] = value(next());
            }
        }
        // from here on, in the order of RegistryEntries.website
        Value numberValue = require(map[0], WEBSITE_KEYS, 0, owner);
        FilingNumber number = rules.number(text(numberValue, "number"), true, lineOf(numberValue),
                columnOf(numberValue));
        String name = text(require(map[1], WEBSITE_KEYS, 1, owner), "name");
        Value accessValue = require(map[3], WEBSITE_KEYS, 3, owner);
        Access access = rules.access(text(accessValue, "access"), lineOf(accessValue), columnOf(accessValue));
        Instant accessUntil = null;
        Value untilValue = map[4];
        if (untilValue != null) {
            accessUntil = rules.accessUntil(text(untilValue, "access-until"), untilValue.line(), untilValue.column());
        } else if (access == Access.PROVISIONAL) {
            rules.error(owner.line(), owner.column(), EntryRules.PROVISIONAL_NEEDS_UNTIL);
        }
        if (access != Access.PROVISIONAL) {
            accessUntil = null;
        }
        Status status = status(map[5]);
        Value upstreamValue = map[6];
        String upstream = rules.upstream(upstreamValue == null ? null : text(upstreamValue, "upstream"),
                upstreamValue != null, (upstreamValue != null ? upstreamValue : owner).line(),
                (upstreamValue != null ? upstreamValue : owner).column());
        Value domainsValue = require(map[2], WEBSITE_KEYS, 2, owner);
        if (domainsValue != null && domainValues == null) {
            rules.error(domainsValue.line(), domainsValue.column(), "domains must be a list");
        }
        List<Value> items = domainsValue == null || domainValues == null ? List.of() : domainValues;
        if (domainsValue != null && domainValues != null && items.isEmpty()) {
            rules.error(domainsValue.line(), domainsValue.column(), "domains must list at least one domain");
        }
        List<String> domains = new ArrayList<>(items.size());
        int[] lines = new int[items.size()];
        int[] columns = new int[items.size()];
        for (Value item : items) {
            String domain = rules.domain(text(item, "a domain"), item.line(), item.column());
            if (domain != null) {
                lines[domains.size()] = item.line();
                columns[domains.size()] = item.column();
                domains.add(domain);
            }
        }
        WebsiteDraft draft = number == null ? null : new WebsiteDraft(number, name, access, accessUntil,
                status, upstream, numberValue.line(), numberValue.column(), domains, lines, columns);
        return new Website(number, lineOf(numberValue), columnOf(numberValue), draft);
    }

    private Status status(Value value) {
        return value == null ? Status.ACTIVE : rules.status(text(value, "status"), value.line(), value.column());
    }

    private static int lineOf(Value value) {
        return value == null ? 0 : value.line();
    }

    private static int columnOf(Value value) {
        return value == null ? 0 : value.column();
    }
}
