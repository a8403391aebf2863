package dev.beian.registry;

import dev.beian.host.PublicSuffixList;
import dev.beian.yaml.NodeReader;
import dev.beian.yaml.TextYaml;
import dev.beian.yaml.YamlError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads registry.yaml (SPEC §5) through SnakeYAML's node API, so that every error carries the line and
 * column of the node it is about, and validates the file whole: all errors are collected, and a file with
 * any error yields no registry at all. A large file is cut at subject boundaries ({@link RegistryItems})
 * and its pieces composed in parallel on the caller's pool, line numbers kept; each piece is read by its own
 * {@link RegistryEntries}, and {@link RegistryAssembly} checks what spans the file and builds the model. Given the
 * registry in service, only the subjects whose text changed are parsed ({@link RegistryReuse}).
 */
public final class RegistryLoader {
    private final Set<String> knownUpstreams;
    private final Clock clock;
    private final ForkJoinPool pieces;

    /**
     * Composes the pieces of a large file on the JDK's common pool.
     *
     * @param knownUpstreams upstream names gateway.yaml defines; null to skip that check (the
     *                       {@code validate} command without a config)
     */
    public RegistryLoader(Set<String> knownUpstreams, Clock clock) {
        this(knownUpstreams, clock, ForkJoinPool.commonPool());
    }

    /**
     * @param pieces the pool that composes the pieces of a large file (a gateway that reloads while it serves
     *               gives one with fewer threads than cores, so a reload never starves its event loops); null
     *               to compose them one after another
     */
    public RegistryLoader(Set<String> knownUpstreams, Clock clock, ForkJoinPool pieces) {
        this.knownUpstreams = knownUpstreams == null ? null : Set.copyOf(knownUpstreams);
        this.clock = clock;
        this.pieces = pieces;
    }

    /** Loads and validates a file; the registry, or every error in it. */
    public Registry load(Path path) throws IOException, InvalidRegistryException {
        return parse(Files.readAllBytes(path), path, null);
    }

    /** Validates bytes as they would be loaded from {@code path} (used for messages only; may be null). */
    public Registry parse(byte[] bytes, Path path) throws InvalidRegistryException {
        return parse(bytes, path, null);
    }

    /**
     * Like {@link #parse(byte[], Path)}, reusing the subjects of {@code previous} (the registry in service, or
     * a compiled one) whose text has not changed: only the subjects that changed are parsed. The result is
     * the same registry a full parse gives; any error, and any file that changed in most of its subjects,
     * takes the full parse, which reports every error as always.
     */
    public Registry parse(byte[] bytes, Path path, Registry previous) throws InvalidRegistryException {
        String version = version(bytes);
        Instant now = clock.instant();
        if (previous != null && previous.version().equals(version)) {
            return previous.reopened(path, now); // the same bytes: the same registry (a compiled one, say)
        }
        RegistryItems items = RegistryItems.split(bytes);
        long[] hashes = items == null ? null : items.hashes();
        if (hashes != null && previous != null && previous.columns.subjectHash != null) {
            Registry reused = RegistryReuse.build(items, hashes, previous, run -> readSegment(bytes, run), version,
                    now, path);
            if (reused != null) {
                return reused;
            }
        }
        List<RegistryEntries> read = null;
        if (items != null) {
            read = readSegments(bytes, bytes.length >= RegistryItems.MIN_BYTES_TO_SPLIT
                    ? items.segments(RegistryItems.TARGET_BYTES) : List.of(items.run(0, items.count())));
            if (read.stream().anyMatch(p -> p == null)) {
                read = null; // a piece that does not parse alone: let the whole file speak
            }
        }
        List<YamlError> errors = new ArrayList<>();
        if (read == null) {
            read = List.of(readWhole(decode(bytes)));
        }
        for (RegistryEntries piece : read) {
            errors.addAll(piece.errors());
        }
        // the checks across the file run even after errors in entries: every error is reported at once
        Registry registry = RegistryAssembly.assemble(read, errors, hashes, version, now, path, bytes.length);
        if (!errors.isEmpty()) {
            Collections.sort(errors);
            throw new InvalidRegistryException(path == null ? "registry" : path.toString(), errors);
        }
        return registry;
    }

    /**
     * The registry compiled in {@code file} ({@link CompiledRegistry}) if it can be trusted under this
     * loader's upstream names, else null. Pass it to {@link #parse(byte[], Path, Registry)} as the previous
     * registry: the same source opens at once, a changed one is parsed only where it changed.
     */
    public Registry openCompiled(Path file) {
        try {
            return CompiledRegistry.read(file, knownUpstreams);
        } catch (IOException e) {
            return null;
        }
    }

    /** A compiled registry ({@link #openCompiled}) put in service for its source at {@code path}, as loaded now. */
    public Registry reopen(Registry compiled, Path path) {
        return compiled.reopened(path, clock.instant());
    }

    /** {@link #version(byte[])} of a file, read in pieces: knowing a file is unchanged costs no copy of it. */
    public static String version(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The version of a registry file: the hex SHA-256 of its bytes. */
    public static String version(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String decode(byte[] bytes) {
        int offset = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        return new String(bytes, offset, bytes.length - offset, StandardCharsets.UTF_8);
    }

    /** No size limit (a platform's registry is tens of megabytes), few aliases (no billion laughs). */
    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        return TextYaml.create(options);
    }

    private List<RegistryEntries> readSegments(byte[] bytes, List<RegistryItems.Segment> segments) {
        if (pieces == null) {
            return segments.stream().map(s -> readSegment(bytes, s)).collect(Collectors.toList());
        }
        return pieces.submit(() -> segments.parallelStream().map(s -> readSegment(bytes, s))
                .collect(Collectors.toList())).join();
    }

    /** One piece read alone, from its events, else composed; null when it does not parse alone. */
    private RegistryEntries readSegment(byte[] bytes, RegistryItems.Segment segment) {
        RegistryEntries read = EntryEvents.read(new InputStreamReader(
                new ByteArrayInputStream(bytes, segment.offset(), segment.length()), StandardCharsets.UTF_8),
                segment.firstLine(), knownUpstreams, PublicSuffixList.shipped());
        if (read != null) {
            return read;
        }
        Node node;
        try {
            node = yaml().compose(new InputStreamReader(
                    new ByteArrayInputStream(bytes, segment.offset(), segment.length()), StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            return null;
        }
        if (!(node instanceof SequenceNode sequence)) {
            return null;
        }
        RegistryEntries entries = new RegistryEntries(segment.firstLine(), knownUpstreams, PublicSuffixList.shipped());
        entries.subjects(sequence.getValue());
        return entries;
    }

    /** The whole file composed at once: small files, unusual shapes, and the authoritative syntax errors. */
    private RegistryEntries readWhole(String text) {
        RegistryEntries entries = new RegistryEntries(0, knownUpstreams, PublicSuffixList.shipped());
        Node root;
        try {
            root = yaml().compose(new StringReader(text));
        } catch (YAMLException e) {
            entries.syntaxError(e, text);
            return entries;
        }
        if (root == null) {
            // An empty file is far more often a half-written one than an intended "block everything".
            entries.errors().add(new YamlError(1, 1, "the file is empty; expected a mapping with 'subjects' "
                    + "(write 'subjects: []' for a registry with nothing filed)"));
            return entries;
        }
        Node[] top = entries.slots(root, RegistryEntries.ROOT_KEYS, "the registry");
        if (top != null) {
            Node subjectsNode = entries.require(top, 0, RegistryEntries.ROOT_KEYS, root);
            if (subjectsNode != null) {
                entries.subjects(entries.sequence(subjectsNode, "subjects"));
            }
        }
        return entries;
    }
}
