package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.host.DomainIndex;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;

/**
 * One loaded, validated registry file: immutable, shared by every thread, swapped whole on reload. Its
 * entries are columns ({@link Columns}) and a {@link DomainIndex} whose values are website positions;
 * {@link Subject} and {@link Website} are views made on demand.
 */
public final class Registry {
    /** Upstream of a website that names none, and of IP hosts that are forwarded. */
    public static final String DEFAULT_UPSTREAM = "default";
    private static final String EMPTY_VERSION = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    final Columns columns;
    private final DomainIndex domains;
    private final String version;
    private final Instant loadedAt;
    private final Path path;
    private final long parsedBytes;

    Registry(Columns columns, DomainIndex domains, String version, Instant loadedAt, Path path, long parsedBytes) {
        this.columns = columns;
        this.domains = domains;
        this.version = version;
        this.loadedAt = loadedAt;
        this.path = path;
        this.parsedBytes = parsedBytes;
    }

    /** A registry with nothing filed: every name host is unfiled. */
    public static Registry empty() {
        Columns none = new Columns(0, new FilingNumber[0], Texts.empty(), new byte[0], new int[1], null, 0,
                new int[0], new int[0], Texts.empty(), new byte[0], new byte[0], new long[0], new String[0],
                new int[1]);
        return new Registry(none, DomainIndex.empty(), EMPTY_VERSION, Instant.EPOCH, null, 0);
    }

    /** The same entries, as loaded from {@code path} at {@code loadedAt} (a compiled registry reopened). */
    Registry reopened(Path path, Instant loadedAt) {
        return new Registry(columns, domains, version, loadedAt, path, 0);
    }

    public List<Subject> subjects() {
        return new AbstractList<>() {
            @Override
            public Subject get(int i) {
                return new Subject(Registry.this, Objects.checkIndex(i, columns.subjects));
            }

            @Override
            public int size() {
                return columns.subjects;
            }
        };
    }

    public int subjectCount() {
        return columns.subjects;
    }

    public int websiteCount() {
        return columns.websites;
    }

    public int domainCount() {
        return domains.size();
    }

    /** Registry domain → website position, for longest-suffix matching. */
    public DomainIndex domains() {
        return domains;
    }

    /** The website of the domain at a position of {@link #domains()}. */
    public Website websiteOfDomain(int domain) {
        return new Website(this, domains.value(domain));
    }

    /** The website that lists exactly this (normalised) domain, or null. */
    public Website website(String domain) {
        int at = domains.find(domain);
        return at < 0 ? null : websiteOfDomain(at);
    }

    /**
     * Whether the website of the domain at a position is served here at that instant (SPEC §6 step 4 says
     * forward): the allocation-free form of a decision, for comparing registries a million domains at a time.
     */
    public boolean isServedHere(int domain, long nowMillis) {
        return columns.isServedHere(domains.value(domain), nowMillis);
    }

    Website website(int index) {
        return new Website(this, index);
    }

    /** The hex SHA-256 of the file's bytes. */
    public String version() {
        return version;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /**
     * How many bytes of YAML were parsed to make it: the whole file, only the subjects that changed since
     * the registry before it, or none (the same file again, or its compiled form). SnakeYAML allocates some
     * 40 bytes per byte it parses; a process may want its heap back after a large parse.
     */
    public long parsedBytes() {
        return parsedBytes;
    }

    /** The file it was loaded from; null for one built in memory. */
    public Path path() {
        return path;
    }
}
