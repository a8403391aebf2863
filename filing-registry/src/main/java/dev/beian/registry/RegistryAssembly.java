package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.host.DomainIndex;
import dev.beian.registry.Drafts.SubjectDraft;
import dev.beian.registry.Drafts.WebsiteDraft;
import dev.beian.yaml.YamlError;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks that span the whole file, in file order (a number or a domain used twice, named with where it
 * stood first), then the immutable model: subjects, their websites, and the {@link DomainIndex}.
 */
final class RegistryAssembly {
    private RegistryAssembly() {
    }

    /** The registry, or null with the errors added to {@code errors}. */
    static Registry assemble(List<RegistryEntries> pieces, List<YamlError> errors, String version, Instant loadedAt,
                             Path path) {
        int subjectCount = 0;
        int websiteCount = 0;
        int domainCount = 0;
        for (RegistryEntries piece : pieces) {
            subjectCount += piece.subjects().size();
            for (SubjectDraft s : piece.subjects()) {
                websiteCount += s.websites().size();
                for (WebsiteDraft w : s.websites()) {
                    domainCount += w.domains.size();
                }
            }
        }
        Map<FilingNumber, Integer> numberLines = new HashMap<>(Math.max(16, (subjectCount + websiteCount) * 2));
        DomainIndex.Builder<WebsiteDraft> index = DomainIndex.builder(domainCount);
        for (RegistryEntries piece : pieces) {
            for (SubjectDraft s : piece.subjects()) {
                checkUnique(numberLines, s.number(), s.line(), s.column(), errors);
                for (WebsiteDraft w : s.websites()) {
                    checkUnique(numberLines, w.number, w.line, w.column, errors);
                    for (int i = 0; i < w.domains.size(); i++) {
                        String domain = w.domains.get(i);
                        WebsiteDraft first = index.putIfAbsent(domain, w);
                        if (first != null) {
                            errors.add(new YamlError(w.domainLines[i], w.domainColumns[i], "domain " + domain
                                    + " is listed twice (first at line " + first.lineOf(domain) + ")"));
                        } else {
                            w.kept.add(domain);
                        }
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        List<Subject> subjects = new ArrayList<>(subjectCount);
        for (RegistryEntries piece : pieces) {
            for (SubjectDraft s : piece.subjects()) {
                subjects.add(new Subject(s.number(), s.name(), s.status(),
                        subject -> s.websites().stream().map(w -> w.build(subject)).toList()));
            }
        }
        return new Registry(List.copyOf(subjects), websiteCount, index.build().mapValues(w -> w.built), version,
                loadedAt, path);
    }

    private static void checkUnique(Map<FilingNumber, Integer> lines, FilingNumber number, int line, int column,
                                    List<YamlError> errors) {
        Integer first = lines.putIfAbsent(number, line);
        if (first != null) {
            errors.add(new YamlError(line, column, "number " + number + " is used twice (first at line " + first + ")"));
        }
    }
}
