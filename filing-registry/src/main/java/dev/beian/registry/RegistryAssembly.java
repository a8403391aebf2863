package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.registry.Drafts.SubjectDraft;
import dev.beian.registry.Drafts.WebsiteDraft;
import dev.beian.yaml.YamlError;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that span the whole file, in file order (a number or a domain used twice, named with where it
 * stood first), while the drafts are poured into a {@link RegistryBuilder}.
 */
final class RegistryAssembly {
    private RegistryAssembly() {
    }

    /**
     * The registry, or null with the errors added to {@code errors}.
     *
     * @param hashes the hash of each subject's text ({@link RegistryItems}), one per draft; null if unknown
     */
    static Registry assemble(List<RegistryEntries> pieces, List<YamlError> errors, long[] hashes, String version,
                             Instant loadedAt, Path path, long parsedBytes) {
        int subjectCount = 0;
        int websiteCount = 0;
        int domainCount = 0;
        int domainBytes = 0;
        for (RegistryEntries piece : pieces) {
            subjectCount += piece.subjects().size();
            for (SubjectDraft s : piece.subjects()) {
                websiteCount += s.websites().size();
                for (WebsiteDraft w : s.websites()) {
                    domainCount += w.domains.size();
                    for (String d : w.domains) {
                        domainBytes += d.length();
                    }
                }
            }
        }
        if (hashes != null && hashes.length != subjectCount) {
            hashes = null; // an entry that is no subject at all: there are errors, and nothing to reuse
        }
        Map<FilingNumber, Integer> numberLines = new HashMap<>(Math.max(16, (subjectCount + websiteCount) * 2));
        RegistryBuilder builder = new RegistryBuilder(subjectCount, websiteCount, domainCount, domainBytes);
        int[] domainLines = new int[Math.max(1, domainCount)];
        int subject = 0;
        for (RegistryEntries piece : pieces) {
            for (SubjectDraft s : piece.subjects()) {
                checkUnique(numberLines, s.number(), s.line(), s.column(), errors);
                builder.subject(s.number(), s.name(), s.status(), hashes == null ? 0 : hashes[subject]);
                subject++;
                for (WebsiteDraft w : s.websites()) {
                    checkUnique(numberLines, w.number, w.line, w.column, errors);
                    builder.website(w.number.websiteIndex(), w.name, w.access,
                            w.accessUntil == null ? Columns.NO_END : w.accessUntil.toEpochMilli(), w.status, w.upstream);
                    for (int i = 0; i < w.domains.size(); i++) {
                        String domain = w.domains.get(i);
                        int first = builder.domain(domain);
                        if (first >= 0) {
                            errors.add(new YamlError(w.domainLines[i], w.domainColumns[i], "domain " + dev.beian.host.HostNormalizer.shown(domain)
                                    + " is listed twice (first at line " + domainLines[first] + ")"));
                        } else {
                            domainLines[builder.domainCount() - 1] = w.domainLines[i];
                        }
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return builder.build(hashes != null, version, loadedAt, path, parsedBytes);
    }

    private static void checkUnique(Map<FilingNumber, Integer> lines, FilingNumber number, int line, int column,
                                    List<YamlError> errors) {
        Integer first = lines.putIfAbsent(number, line);
        if (first != null) {
            errors.add(new YamlError(line, column, "number " + number + " is used twice (first at line " + first + ")"));
        }
    }
}
