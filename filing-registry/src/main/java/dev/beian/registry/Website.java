package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import java.time.Instant;
import java.util.List;

/** A filed website (网站) of a subject: its domains, where it is accessed, and which upstream serves it. */
public final class Website {
    private final Subject subject;
    private final FilingNumber number;
    private final String name;
    private final List<String> domains;
    private final Access access;
    private final Instant accessUntil;
    private final Status status;
    private final String upstream;
    private final boolean cancelled;

    Website(Subject subject, FilingNumber number, String name, List<String> domains, Access access,
            Instant accessUntil, Status status, String upstream) {
        this.subject = subject;
        this.domains = List.copyOf(domains);
        this.number = number;
        this.name = name;
        this.access = access;
        this.accessUntil = accessUntil;
        this.status = status;
        this.upstream = upstream;
        // decided once here: the request path then touches only this object, not the subject too
        this.cancelled = status == Status.CANCELLED || subject.status() == Status.CANCELLED;
    }

    public Subject subject() {
        return subject;
    }

    public FilingNumber number() {
        return number;
    }

    public String name() {
        return name;
    }

    /** Normalised (lower-case ASCII) domains; each covers its subdomains. */
    public List<String> domains() {
        return domains;
    }

    public Access access() {
        return access;
    }

    /** End of provisional access (exclusive); null unless access is provisional. */
    public Instant accessUntil() {
        return accessUntil;
    }

    /** The website's own status; see {@link #isCancelled()} for the effective one. */
    public Status status() {
        return status;
    }

    /** Cancelled itself, or its subject cancelled (注销主体 cancels all its websites). */
    public boolean isCancelled() {
        return cancelled;
    }

    public String upstream() {
        return upstream;
    }
}
