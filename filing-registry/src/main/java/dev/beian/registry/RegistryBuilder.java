package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.host.DomainIndex;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Fills the columns of a new registry in file order: subjects, then each one's websites, then each
 * website's domains, from drafts just read or copied from the registry in service when the subject's text
 * has not changed. Not thread-safe.
 */
final class RegistryBuilder {
    private int subjects;
    private FilingNumber[] subjectNumber;
    private final Texts.Builder subjectName;
    private byte[] subjectStatus;
    private int[] firstWebsite;
    private long[] subjectHash;

    private int websites;
    private int[] websiteSubject;
    private int[] websiteIndex;
    private final Texts.Builder websiteName;
    private byte[] access;
    private byte[] websiteStatus;
    private long[] accessUntil;
    private String[] upstream;
    private int[] firstDomain;

    private final DomainIndex.Builder domains;
    /** Registries repeat "default" a hundred thousand times: one string. */
    private final Map<String, String> shared = new HashMap<>();

    RegistryBuilder(int subjectCount, int websiteCount, int domainCount, int domainBytes) {
        int s = Math.max(subjectCount, 1);
        int w = Math.max(websiteCount, 1);
        subjectNumber = new FilingNumber[s];
        subjectName = new Texts.Builder(s);
        subjectStatus = new byte[s];
        firstWebsite = new int[s + 1];
        subjectHash = new long[s];
        websiteSubject = new int[w];
        websiteIndex = new int[w];
        websiteName = new Texts.Builder(w);
        access = new byte[w];
        websiteStatus = new byte[w];
        accessUntil = new long[w];
        upstream = new String[w];
        firstDomain = new int[w + 1];
        domains = DomainIndex.builder(domainCount, domainBytes);
    }

    /** Starts a subject; its websites follow. {@code hash}: of its text in the file, 0 when unknown. */
    void subject(FilingNumber number, String name, Status status, long hash) {
        if (subjects == subjectNumber.length) {
            int n = subjects * 2;
            subjectNumber = Arrays.copyOf(subjectNumber, n);
            subjectStatus = Arrays.copyOf(subjectStatus, n);
            firstWebsite = Arrays.copyOf(firstWebsite, n + 1);
            subjectHash = Arrays.copyOf(subjectHash, n);
        }
        subjectNumber[subjects] = number;
        subjectName.add(name == null ? "" : name);
        subjectStatus[subjects] = (byte) (status == null ? 0 : status.ordinal());
        subjectHash[subjects] = hash;
        subjects++;
        firstWebsite[subjects] = websites;
    }

    /** Adds a website to the last subject; its domains follow. */
    void website(int index, String name, Access access, long accessUntil, Status status, String upstream) {
        if (websites == websiteSubject.length) {
            int n = websites * 2;
            websiteSubject = Arrays.copyOf(websiteSubject, n);
            websiteIndex = Arrays.copyOf(websiteIndex, n);
            this.access = Arrays.copyOf(this.access, n);
            websiteStatus = Arrays.copyOf(websiteStatus, n);
            this.accessUntil = Arrays.copyOf(this.accessUntil, n);
            this.upstream = Arrays.copyOf(this.upstream, n);
            firstDomain = Arrays.copyOf(firstDomain, n + 1);
        }
        websiteSubject[websites] = subjects - 1;
        websiteIndex[websites] = index;
        websiteName.add(name == null ? "" : name);
        // an entry with errors still takes its place (the checks across the file go on); it is never built
        this.access[websites] = (byte) (access == null ? 0 : access.ordinal());
        websiteStatus[websites] = (byte) (status == null ? 0 : status.ordinal());
        this.accessUntil[websites] = accessUntil;
        this.upstream[websites] = share(upstream);
        websites++;
        firstDomain[websites] = domains.size();
        firstWebsite[subjects] = websites;
    }

    /** Adds a domain to the last website; -1, or the position where the same domain was added before. */
    int domain(String domain) {
        int first = domains.add(domain, websites - 1);
        firstDomain[websites] = domains.size();
        return first;
    }

    int domainCount() {
        return domains.size();
    }

    /** Copies subject {@code s} of {@code from}, its websites and domains; false if one of its domains is taken. */
    boolean copy(Registry from, int s, long hash) {
        Columns c = from.columns;
        subject(c.subjectNumber[s], c.subjectName.get(s), Status.values()[c.subjectStatus[s]], hash);
        byte[] bytes = from.domains().bytes();
        boolean clean = true;
        for (int w = c.firstWebsite[s]; w < c.firstWebsite[s + 1]; w++) {
            website(c.websiteIndex[w], c.websiteName.get(w), Access.values()[c.access[w]], c.accessUntil[w],
                    Status.values()[c.websiteStatus[w]], c.upstream[w]);
            for (int d = c.firstDomain[w]; d < c.firstDomain[w + 1]; d++) {
                if (domains.add(bytes, from.domains().start(d), from.domains().start(d + 1), websites - 1) >= 0) {
                    clean = false;
                }
                firstDomain[websites] = domains.size();
            }
        }
        return clean;
    }

    private String share(String s) {
        return s == null ? null : shared.computeIfAbsent(s, k -> k);
    }

    Registry build(boolean withHashes, String version, Instant loadedAt, Path path, long parsedBytes) {
        int s = subjects;
        int w = websites;
        Columns columns = new Columns(s, fit(subjectNumber, s), subjectName.build(), fit(subjectStatus, s),
                fit(firstWebsite, s + 1), withHashes ? fit(subjectHash, s) : null, w, fit(websiteSubject, w),
                fit(websiteIndex, w), websiteName.build(), fit(access, w), fit(websiteStatus, w), fit(accessUntil, w),
                fit(upstream, w), fit(firstDomain, w + 1));
        return new Registry(columns, domains.build(), version, loadedAt, path, parsedBytes);
    }

    // arrays sized right from the start (the usual case) are kept, not copied: a million-domain reload
    // should allocate what the new registry needs and little more

    private static <T> T[] fit(T[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static int[] fit(int[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static long[] fit(long[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }

    private static byte[] fit(byte[] a, int n) {
        return a.length == n ? a : Arrays.copyOf(a, n);
    }
}
