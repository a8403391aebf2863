package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import java.util.List;
import java.util.function.Function;

/** A filing subject (主体): the organisation or person that holds the filing. */
public final class Subject {
    private final FilingNumber number;
    private final String name;
    private final Status status;
    private final List<Website> websites;

    /** {@code websites}: makes the subject's websites, which point back at it; immutable once built. */
    Subject(FilingNumber number, String name, Status status, Function<Subject, List<Website>> websites) {
        this.number = number;
        this.name = name;
        this.status = status;
        this.websites = List.copyOf(websites.apply(this));
    }

    public FilingNumber number() {
        return number;
    }

    public String name() {
        return name;
    }

    public Status status() {
        return status;
    }

    public List<Website> websites() {
        return websites;
    }
}
