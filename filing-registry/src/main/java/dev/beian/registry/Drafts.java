package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import java.time.Instant;
import java.util.List;

/**
 * Entries as one piece of a file read them, with where each number and domain stands, before the checks
 * that span the whole file ({@link RegistryAssembly}) turn them into the immutable model.
 */
final class Drafts {
    private Drafts() {
    }

    /** A subject as read. */
    record SubjectDraft(FilingNumber number, String name, Status status, int line, int column,
                        List<WebsiteDraft> websites) {
    }

    /** A website as read. */
    static final class WebsiteDraft {
        final FilingNumber number;
        final String name;
        final Access access;
        final Instant accessUntil;
        final Status status;
        final String upstream;
        final int line;
        final int column;
        final List<String> domains;
        final int[] domainLines;
        final int[] domainColumns;

        WebsiteDraft(FilingNumber number, String name, Access access, Instant accessUntil, Status status,
                     String upstream, int line, int column, List<String> domains, int[] domainLines,
                     int[] domainColumns) {
            this.number = number;
            this.name = name;
            this.access = access;
            this.accessUntil = accessUntil;
            this.status = status;
            this.upstream = upstream;
            this.line = line;
            this.column = column;
            this.domains = domains;
            this.domainLines = domainLines;
            this.domainColumns = domainColumns;
        }
    }
}
