package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import java.util.AbstractList;
import java.util.List;

/** A filing subject (主体): the organisation or person that holds the filing. A view onto its registry. */
public final class Subject {
    private final Registry registry;
    private final int index;

    Subject(Registry registry, int index) {
        this.registry = registry;
        this.index = index;
    }

    public FilingNumber number() {
        return registry.columns.subjectNumber[index];
    }

    public String name() {
        return registry.columns.subjectName.get(index);
    }

    public Status status() {
        return Status.values()[registry.columns.subjectStatus[index]];
    }

    public List<Website> websites() {
        int first = registry.columns.firstWebsite[index];
        int count = registry.columns.firstWebsite[index + 1] - first;
        return new AbstractList<>() {
            @Override
            public Website get(int i) {
                return registry.website(first + java.util.Objects.checkIndex(i, count));
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subject other && other.registry == registry && other.index == index;
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
