package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.host.DomainIndex;
import dev.beian.host.PublicSuffixList;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;

/**
 * The compiled form of a valid registry: its columns and domain index written as they are, so that a
 * restart on a file it has loaded before opens it in a fraction of a second instead of parsing 50 MB of
 * YAML (Postfix's {@code postmap} is the precedent: a text source, a binary form built from it, opened
 * fast). It records the SHA-256 of the source it was built from and a fingerprint of what validated it
 * (this format, the public suffix list); a source that changed since is not refused but parsed with the
 * compiled registry as the previous one ({@link RegistryReuse}), so only the subjects that changed are read.
 *
 * <p>It is a cache, never the truth: a file that is missing, truncated, corrupt (CRC-32C over every byte),
 * of another format, or names an upstream gateway.yaml no longer defines, is ignored, and the source is
 * parsed in full.
 */
public final class CompiledRegistry {
    private static final byte[] MAGIC = "beian-gateway compiled registry\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 2;

    private CompiledRegistry() {
    }

    /**
     * Where the compiled form of {@code source} is kept unless told otherwise: a folder of this user's own
     * under the temporary directory ({@code beian-gateway-USER}, mode 700, checked on every use: a compiled
     * registry another user could write would let them decide what is filed), one file per source path.
     * Null when that folder cannot be made or is not private.
     */
    public static Path defaultLocation(Path source) {
        try {
            String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "beian-gateway-" + user);
            var owner = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(owner));
            }
            // by uid, not name: a container's user often has no name
            long uid = new com.sun.security.auth.module.UnixSystem().getUid();
            if (!Files.getPosixFilePermissions(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS).equals(owner)
                    || ((Number) Files.getAttribute(dir, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .longValue() != uid) {
                return null;
            }
            byte[] name = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(source.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve(java.util.HexFormat.of().formatHex(name, 0, 12) + ".registry");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException
                 | java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

    /** What validated a compiled registry, beyond its source: this format and the public suffix list. */
    static long fingerprint() {
        return (long) FORMAT << 32 | (PublicSuffixList.shippedFingerprint() & 0xffffffffL);
    }

    /** Writes {@code registry} to {@code file}, atomically (a temporary file renamed over it). */
    public static void write(Registry registry, Path file) throws IOException {
        // a temporary name of this process's own: two gateways on one registry never write into one file
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try {
            try (ArrayFile.Writer out = new ArrayFile.Writer(FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING))) {
                Columns c = registry.columns;
                out.bytes(MAGIC);
                out.longs(new long[] {fingerprint()});
                out.string(registry.version());
                out.ints(new int[] {c.subjects, c.websites, c.subjectHash == null ? 0 : 1});
                long[] numbers = new long[c.subjects];
                for (int i = 0; i < c.subjects; i++) {
                    numbers[i] = c.subjectNumber[i].packed();
                }
                out.longs(numbers);
                out.texts(c.subjectName);
                out.bytes(c.subjectStatus);
                out.ints(c.firstWebsite);
                if (c.subjectHash != null) {
                    out.longs(c.subjectHash);
                }
                out.ints(c.websiteSubject);
                out.ints(c.websiteIndex);
                out.texts(c.websiteName);
                out.bytes(c.access);
                out.bytes(c.websiteStatus);
                out.longs(c.accessUntil);
                out.strings(c.upstream);
                out.ints(c.firstDomain);
                DomainIndex d = registry.domains();
                out.ints(new int[] {d.size(), d.minDots(), d.bytes().length, d.table().length});
                out.bytes(d.bytes());
                out.ints(d.starts());
                out.ints(d.values());
                out.longs(d.table());
                out.finish();
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp); // what a failed write left
        }
    }

    /**
     * The registry compiled in {@code file}, or null when there is none that can be trusted (see the class
     * comment). Its {@link Registry#version()} is that of the source it was built from.
     *
     * @param knownUpstreams upstream names gateway.yaml defines; null to skip that check
     */
    public static Registry read(Path file, Set<String> knownUpstreams) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (ArrayFile.Reader in = new ArrayFile.Reader(FileChannel.open(file, StandardOpenOption.READ))) {
            if (!in.verify(MAGIC.length)) {
                return null;
            }
            byte[] magic = new byte[MAGIC.length];
            in.bytes(magic);
            long[] fingerprint = new long[1];
            in.longs(fingerprint);
            if (!java.util.Arrays.equals(magic, MAGIC) || fingerprint[0] != fingerprint()) {
                return null;
            }
            String version = in.string();
            int[] counts = new int[3];
            in.ints(counts);
            int s = counts[0];
            int w = counts[1];
            long[] packed = in.longs(new long[s]);
            FilingNumber[] numbers = new FilingNumber[s];
            for (int i = 0; i < s; i++) {
                numbers[i] = FilingNumber.unpack(packed[i]);
            }
            Texts names = in.texts(s);
            byte[] subjectStatus = in.bytes(new byte[s]);
            int[] firstWebsite = in.ints(new int[s + 1]);
            long[] hashes = counts[2] == 1 ? in.longs(new long[s]) : null;
            int[] websiteSubject = in.ints(new int[w]);
            int[] websiteIndex = in.ints(new int[w]);
            Texts websiteName = in.texts(w);
            byte[] access = in.bytes(new byte[w]);
            byte[] websiteStatus = in.bytes(new byte[w]);
            long[] accessUntil = in.longs(new long[w]);
            String[] upstream = in.strings(w);
            int[] firstDomain = in.ints(new int[w + 1]);
            int[] index = in.ints(new int[4]);
            byte[] domainBytes = in.bytes(new byte[index[2]]);
            int[] starts = in.ints(new int[index[0] + 1]);
            int[] values = in.ints(new int[index[0]]);
            long[] table = in.longs(new long[index[3]]);
            if (firstWebsite[s] != w || firstDomain[w] != index[0]) {
                return null;
            }
            for (String name : upstream) {
                if (knownUpstreams != null && !knownUpstreams.contains(name)) {
                    return null; // gateway.yaml changed: let the full parse name the entry
                }
            }
            Columns columns = new Columns(s, numbers, names, subjectStatus, firstWebsite, hashes, w, websiteSubject,
                    websiteIndex, websiteName, access, websiteStatus, accessUntil, upstream, firstDomain);
            DomainIndex domains = DomainIndex.of(table, domainBytes, starts, values, index[1]);
            return new Registry(columns, domains, version, Instant.EPOCH, null, 0);
        } catch (RuntimeException e) {
            return null; // inconsistent counts or a number that no longer parses: not to be trusted
        }
    }
}
