package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import java.time.Instant;
import java.util.AbstractList;
import java.util.List;

/**
 * A filed website (网站) of a subject: its domains, where it is accessed, and which upstream serves it. A
 * view onto its registry's columns; two views of the same row are equal.
 */
public final class Website {
    private final Registry registry;
    private final int index;

    Website(Registry registry, int index) {
        this.registry = registry;
        this.index = index;
    }

    public Subject subject() {
        return new Subject(registry, registry.columns.websiteSubject[index]);
    }

    public FilingNumber number() {
        return registry.columns.subjectNumber[registry.columns.websiteSubject[index]]
                .website(registry.columns.websiteIndex[index]);
    }

    public String name() {
        return registry.columns.websiteName.get(index);
    }

    /** Normalised (lower-case ASCII) domains; each covers its subdomains. */
    public List<String> domains() {
        int first = registry.columns.firstDomain[index];
        int count = registry.columns.firstDomain[index + 1] - first;
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                return registry.domains().domain(first + java.util.Objects.checkIndex(i, count));
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    public Access access() {
        return Access.values()[registry.columns.access[index]];
    }

    /** End of provisional access (exclusive); null unless access is provisional. */
    public Instant accessUntil() {
        long until = registry.columns.accessUntil[index];
        return until == Columns.NO_END ? null : Instant.ofEpochMilli(until);
    }

    /** The website's own status; see {@link #isCancelled()} for the effective one. */
    public Status status() {
        return Status.values()[registry.columns.websiteStatus[index]];
    }

    /** Cancelled itself, or its subject cancelled (注销主体 cancels all its websites). */
    public boolean isCancelled() {
        return registry.columns.isCancelled(index);
    }

    public String upstream() {
        return registry.columns.upstream[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Website other && other.registry == registry && other.index == index;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(registry) * 31 + index;
    }

    @Override
    public String toString() {
        return number() + " " + name();
    }
}
