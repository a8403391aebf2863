package dev.beian.registry;

import dev.beian.filing.FilingNumber;

/**
 * Subjects and websites as columns: one array per field, indexed by position in file order. A million
 * domains means a quarter of a million websites; as objects they cost a hundred megabytes and hours of
 * the collector's tracing, as columns a few arrays. {@link Subject} and {@link Website} are views onto a
 * row. Immutable once built (by {@link RegistryBuilder} or a compiled registry).
 */
final class Columns {
    /** {@link #accessUntil} of a website without an end of access. */
    static final long NO_END = Long.MIN_VALUE;

    final int subjects;
    final FilingNumber[] subjectNumber;
    final Texts subjectName;
    final byte[] subjectStatus;
    /** Subject {@code s} has websites {@code [firstWebsite[s], firstWebsite[s + 1])}. */
    final int[] firstWebsite;
    /** A 64-bit hash of each subject's text as it stood in the file ({@link RegistryItems}); null if read whole. */
    final long[] subjectHash;

    final int websites;
    final int[] websiteSubject;
    /** N of the website number {@code subject's number + "-N"}. */
    final int[] websiteIndex;
    final Texts websiteName;
    final byte[] access;
    final byte[] websiteStatus;
    /** End of provisional access, epoch milliseconds (exclusive), or {@link #NO_END}. */
    final long[] accessUntil;
    final String[] upstream;
    /** Website {@code w} has the domains {@code [firstDomain[w], firstDomain[w + 1])} of the index. */
    final int[] firstDomain;

    Columns(int subjects, FilingNumber[] subjectNumber, Texts subjectName, byte[] subjectStatus,
            int[] firstWebsite, long[] subjectHash, int websites, int[] websiteSubject, int[] websiteIndex,
            Texts websiteName, byte[] access, byte[] websiteStatus, long[] accessUntil, String[] upstream,
            int[] firstDomain) {
        this.subjects = subjects;
        this.subjectNumber = subjectNumber;
        this.subjectName = subjectName;
        this.subjectStatus = subjectStatus;
        this.firstWebsite = firstWebsite;
        this.subjectHash = subjectHash;
        this.websites = websites;
        this.websiteSubject = websiteSubject;
        this.websiteIndex = websiteIndex;
        this.websiteName = websiteName;
        this.access = access;
        this.websiteStatus = websiteStatus;
        this.accessUntil = accessUntil;
        this.upstream = upstream;
        this.firstDomain = firstDomain;
    }

    boolean isCancelled(int w) {
        return websiteStatus[w] == Status.CANCELLED.ordinal()
                || subjectStatus[websiteSubject[w]] == Status.CANCELLED.ordinal();
    }

    /** SPEC §6 step 4 says forward: not cancelled, and accessed here (provisionally: still, at {@code now}). */
    boolean isServedHere(int w, long nowMillis) {
        if (isCancelled(w)) {
            return false;
        }
        int a = access[w];
        return a == Access.HERE.ordinal() || a == Access.PROVISIONAL.ordinal() && nowMillis < accessUntil[w];
    }
}
