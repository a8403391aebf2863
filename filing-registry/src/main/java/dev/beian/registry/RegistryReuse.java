package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.registry.Drafts.SubjectDraft;
import dev.beian.registry.Drafts.WebsiteDraft;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * A new registry from a changed file that parses only the subjects whose text changed and copies the rest
 * from the registry in service. SnakeYAML allocates some 40 bytes per byte it reads (2 GB for a
 * million-domain file): a reload that re-read everything would make the collector grow the heap by
 * gigabytes for a one-line edit. Items are compared by a 64-bit hash of their bytes ({@link RegistryItems});
 * an item's meaning depends on nothing outside it (items that could lean on an anchor elsewhere are never
 * reused), except the rules across the file, which are checked here again in whole.
 *
 * <p>Any error, or a file most of whose subjects changed, returns null: the full parse then runs, and
 * reports every error with its line as always.
 */
final class RegistryReuse {
    private RegistryReuse() {
    }

    static Registry build(RegistryItems items, long[] hashes, Registry previous,
                          Function<RegistryItems.Segment, RegistryEntries> parse, String version, Instant loadedAt,
                          Path path) {
        int n = items.count();
        Columns prev = previous.columns;
        SubjectIndex before = new SubjectIndex(prev.subjectHash);
        int[] reuse = new int[n];
        int changed = 0;
        for (int i = 0; i < n; i++) {
            reuse[i] = hashes[i] == RegistryItems.NOT_REUSABLE ? -1 : before.find(hashes[i]);
            if (reuse[i] < 0) {
                changed++;
            }
        }
        if (changed > n / 2) {
            return null;
        }
        SubjectDraft[] drafts = new SubjectDraft[n];
        long parsedBytes = 0;
        for (int i = 0; i < n; ) {
            if (reuse[i] >= 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < n && reuse[end] < 0) {
                end++;
            }
            RegistryItems.Segment run = items.run(i, end);
            parsedBytes += run.length();
            RegistryEntries read = parse.apply(run);
            if (read == null || !read.errors().isEmpty() || read.subjects().size() != end - i) {
                return null;
            }
            for (SubjectDraft draft : read.subjects()) {
                drafts[i++] = draft;
            }
        }
        int websites = 0;
        int domains = 0;
        for (int i = 0; i < n; i++) {
            if (reuse[i] >= 0) {
                int s = reuse[i];
                websites += prev.firstWebsite[s + 1] - prev.firstWebsite[s];
                domains += prev.firstDomain[prev.firstWebsite[s + 1]] - prev.firstDomain[prev.firstWebsite[s]];
            } else {
                websites += drafts[i].websites().size();
                for (WebsiteDraft w : drafts[i].websites()) {
                    domains += w.domains.size();
                }
            }
        }
        RegistryBuilder builder = new RegistryBuilder(n, websites, domains,
                (int) Math.min(Integer.MAX_VALUE - 8, (long) previous.domains().bytes().length * domains
                        / Math.max(1, previous.domainCount()) + 64));
        Set<FilingNumber> numbers = new HashSet<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (reuse[i] >= 0) {
                if (!numbers.add(prev.subjectNumber[reuse[i]]) || !builder.copy(previous, reuse[i], hashes[i])) {
                    return null;
                }
            } else if (!numbers.add(drafts[i].number()) || !add(builder, drafts[i], hashes[i])) {
                return null;
            }
        }
        return builder.build(true, version, loadedAt, path, parsedBytes);
    }

    /** A subject read just now; false if it repeats a website number or a domain. */
    private static boolean add(RegistryBuilder builder, SubjectDraft s, long hash) {
        builder.subject(s.number(), s.name(), s.status(), hash);
        Set<Integer> websiteNumbers = new HashSet<>();
        for (WebsiteDraft w : s.websites()) {
            if (!websiteNumbers.add(w.number.websiteIndex())) {
                return false;
            }
            builder.website(w.number.websiteIndex(), w.name, w.access,
                    w.accessUntil == null ? Columns.NO_END : w.accessUntil.toEpochMilli(), w.status, w.upstream);
            for (String domain : w.domains) {
                if (builder.domain(domain) >= 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Hash of a subject's text → its position, open addressing over the hashes themselves. */
    private static final class SubjectIndex {
        private final long[] hashes;
        private final int[] table;

        SubjectIndex(long[] hashes) {
            this.hashes = hashes;
            this.table = new int[Integer.highestOneBit(Math.max(4, hashes.length * 2)) * 2];
            int mask = table.length - 1;
            for (int s = 0; s < hashes.length; s++) {
                if (hashes[s] == RegistryItems.NOT_REUSABLE) {
                    continue;
                }
                int slot = (int) (hashes[s] ^ hashes[s] >>> 32) & mask;
                while (table[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = s + 1;
            }
        }

        int find(long hash) {
            int mask = table.length - 1;
            int slot = (int) (hash ^ hash >>> 32) & mask;
            while (table[slot] != 0) {
                if (hashes[table[slot] - 1] == hash) {
                    return table[slot] - 1;
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }
    }
}
