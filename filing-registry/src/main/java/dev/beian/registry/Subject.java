package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import java.util.List;

/** A filing subject (主体): the organisation or person that holds the filing. */
public final class Subject {
    private final FilingNumber number;
    private final String name;
    private final Status status;
    private List<Website> websites = List.of();

    Subject(FilingNumber number, String name, Status status) {
        this.number = number;
        this.name = name;
        this.status = status;
    }

    void websites(List<Website> websites) {
        this.websites = List.copyOf(websites);
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
