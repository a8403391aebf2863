package dev.beian.registry;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A file of primitive arrays and strings, written and read through one 1 MiB buffer in bulk (no per-element
 * calls: a compiled million-domain registry is some 60 MB), with a CRC-32C of every byte at its end that is
 * checked before anything is read. The layout is the caller's ({@link CompiledRegistry}); this is only the
 * carrier.
 */
final class ArrayFile {
    private static final int BUFFER = 1 << 20;

    private ArrayFile() {
    }

    /** Buffered writes with a CRC-32C over every byte, stored at the end. */
    static final class Writer implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        private final CRC32C crc = new CRC32C();

        Writer(FileChannel channel) {
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

    /** Buffered reads of what {@link Writer} wrote. */
    static final class Reader implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

        Reader(FileChannel channel) {
            this.channel = channel;
            buffer.limit(0);
        }

        /**
         * Checks the CRC over the whole file first, then rewinds: nothing is read from a corrupt file.
         * {@code minimum}: bytes a file must have before its CRC.
         */
        boolean verify(int minimum) throws IOException {
            long size = channel.size();
            if (size < minimum + 8) {
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
                    throw new EOFException();
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
