package dev.beian.registry;

import dev.beian.filing.FilingNumber;
import dev.beian.host.DomainIndex;
import dev.beian.host.PublicSuffixList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

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
    private static final int BUFFER = 1 << 20;

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
            if (!Files.getPosixFilePermissions(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS).equals(owner)
                    || !Files.getOwner(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName()
                    .equals(System.getProperty("user.name"))) {
                return null;
            }
            byte[] name = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(source.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve(java.util.HexFormat.of().formatHex(name, 0, 12) + ".registry");
        } catch (IOException | UnsupportedOperationException | java.security.NoSuchAlgorithmException e) {
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
            try (Output out = new Output(FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
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
        try (Input in = new Input(FileChannel.open(file, StandardOpenOption.READ))) {
            if (!in.verify()) {
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

    /** Buffered writes with a CRC-32C over every byte, stored at the end. */
    private static final class Output implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        private final CRC32C crc = new CRC32C();

        Output(FileChannel channel) {
            this.channel = channel;
        }

        private void room(int n) throws IOException {
            if (buffer.remaining() < n) {
                drain();
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        void bytes(byte[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                room(1);
                int n = Math.min(buffer.remaining(), a.length - off);
                buffer.put(a, off, n);
                off += n;
            }
        }

        void ints(int[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                room(4);
                int n = Math.min(buffer.remaining() / 4, a.length - off);
                buffer.asIntBuffer().put(a, off, n);
                buffer.position(buffer.position() + n * 4);
                off += n;
            }
        }

        void longs(long[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                room(8);
                int n = Math.min(buffer.remaining() / 8, a.length - off);
                buffer.asLongBuffer().put(a, off, n);
                buffer.position(buffer.position() + n * 8);
                off += n;
            }
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            ints(new int[] {b.length});
            bytes(b);
        }

        /** An array of strings, each distinct one written once (names and upstreams repeat). */
        void strings(String[] a) throws IOException {
            Map<String, Integer> ids = new HashMap<>();
            List<String> distinct = new ArrayList<>();
            int[] refs = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                String s = a[i];
                refs[i] = ids.computeIfAbsent(s, k -> {
                    distinct.add(k);
                    return distinct.size() - 1;
                });
            }
            ints(new int[] {distinct.size()});
            for (String s : distinct) {
                string(s);
            }
            ints(refs);
        }

        void texts(Texts t) throws IOException {
            ints(new int[] {t.utf8().length, t.starts().length});
            bytes(t.utf8());
            ints(t.starts());
            ints(t.refs());
        }

        void finish() throws IOException {
            drain();
            ByteBuffer tail = ByteBuffer.allocate(8).putLong(crc.getValue()).flip();
            while (tail.hasRemaining()) {
                channel.write(tail);
            }
            channel.force(false);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Buffered reads of what {@link Output} wrote. */
    private static final class Input implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

        Input(FileChannel channel) {
            this.channel = channel;
            buffer.limit(0);
        }

        /** Checks the CRC over the whole file first, then rewinds: nothing is read from a corrupt file. */
        boolean verify() throws IOException {
            long size = channel.size();
            if (size < MAGIC.length + 8) {
                return false;
            }
            CRC32C crc = new CRC32C();
            long body = size - 8;
            long at = 0;
            ByteBuffer chunk = ByteBuffer.allocate(BUFFER);
            while (at < body) {
                chunk.clear().limit((int) Math.min(BUFFER, body - at));
                int n = channel.read(chunk, at);
                if (n < 0) {
                    return false;
                }
                crc.update(chunk.array(), 0, chunk.position());
                at += chunk.position();
            }
            ByteBuffer tail = ByteBuffer.allocate(8);
            while (tail.hasRemaining() && channel.read(tail, body + tail.position()) > 0) {
                // read the stored CRC
            }
            channel.position(0);
            return !tail.hasRemaining() && tail.flip().getLong() == crc.getValue();
        }

        private void need(int n) throws IOException {
            if (buffer.remaining() >= n) {
                return;
            }
            buffer.compact();
            while (buffer.position() < n) {
                if (channel.read(buffer) < 0) {
                    throw new java.io.EOFException();
                }
            }
            buffer.flip();
        }

        byte[] bytes(byte[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                need(1);
                int n = Math.min(buffer.remaining(), a.length - off);
                buffer.get(a, off, n);
                off += n;
            }
            return a;
        }

        int[] ints(int[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                need(4);
                int n = Math.min(buffer.remaining() / 4, a.length - off);
                buffer.asIntBuffer().get(a, off, n);
                buffer.position(buffer.position() + n * 4);
                off += n;
            }
            return a;
        }

        long[] longs(long[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                need(8);
                int n = Math.min(buffer.remaining() / 8, a.length - off);
                buffer.asLongBuffer().get(a, off, n);
                buffer.position(buffer.position() + n * 8);
                off += n;
            }
            return a;
        }

        String string() throws IOException {
            int[] length = ints(new int[1]);
            return new String(bytes(new byte[length[0]]), StandardCharsets.UTF_8);
        }

        String[] strings(int count) throws IOException {
            int[] distinctCount = ints(new int[1]);
            String[] distinct = new String[distinctCount[0]];
            for (int i = 0; i < distinct.length; i++) {
                distinct[i] = string();
            }
            int[] refs = ints(new int[count]);
            String[] a = new String[count];
            for (int i = 0; i < count; i++) {
                a[i] = distinct[refs[i]];
            }
            return a;
        }

        Texts texts(int count) throws IOException {
            int[] sizes = ints(new int[2]);
            byte[] utf8 = bytes(new byte[sizes[0]]);
            int[] starts = ints(new int[sizes[1]]);
            int[] refs = ints(new int[count]);
            for (int ref : refs) {
                if (ref < 0 || ref + 1 >= starts.length) {
                    throw new IllegalArgumentException("text out of range");
                }
            }
            return new Texts(utf8, starts, refs);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
