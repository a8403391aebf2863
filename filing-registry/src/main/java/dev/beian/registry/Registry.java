package dev.beian.registry;

import dev.beian.host.DomainIndex;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One loaded, validated registry file: immutable, shared by every thread, swapped whole on reload.
 */
public final class Registry {
    /** Upstream of a website that names none, and of IP hosts that are forwarded. */
    public static final String DEFAULT_UPSTREAM = "default";

    private final List<Subject> subjects;
    private final int websiteCount;
    private final DomainIndex<Website> domains;
    private final String version;
    private final Instant loadedAt;
    private final Path path;

    Registry(List<Subject> subjects, int websiteCount, DomainIndex<Website> domains, String version,
             Instant loadedAt, Path path) {
        this.subjects = subjects;
        this.websiteCount = websiteCount;
        this.domains = domains;
        this.version = version;
        this.loadedAt = loadedAt;
        this.path = path;
    }

    /** A registry with nothing filed: every name host is unfiled. */
    public static Registry empty() {
        return new Registry(List.of(), 0, DomainIndex.<Website>builder(0).build(),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Instant.EPOCH, null);
    }

    public List<Subject> subjects() {
        return subjects;
    }

    public int subjectCount() {
        return subjects.size();
    }

    public int websiteCount() {
        return websiteCount;
    }

    public int domainCount() {
        return domains.size();
    }

    /** Registry domain → website, for longest-suffix matching. */
    public DomainIndex<Website> domains() {
        return domains;
    }

    /** The hex SHA-256 of the file's bytes. */
    public String version() {
        return version;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** The file it was loaded from; null for one built in memory. */
    public Path path() {
        return path;
    }
}
