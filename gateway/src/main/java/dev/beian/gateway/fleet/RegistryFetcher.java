package dev.beian.gateway.fleet;

import dev.beian.gateway.metrics.BuildInfo;
import dev.beian.reload.RegistryHolder;
import dev.beian.reload.ReloadResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet source of SPEC §11: fetches {@code registry.url} every {@code registry.poll} on a thread of its
 * own (never an event loop) and offers what it gets to the {@link RegistryHolder}, which validates it, keeps
 * it at {@code registry.path} and swaps it in exactly as a local change.
 *
 * <p>Why this shape: many replicas poll one object store, so each poll is a conditional GET
 * ({@code If-None-Match} with the last ETag: an unchanged 50 MB file costs a 304) and asks for gzip. A
 * fetch that fails (server gone, HTTP error, a body cut short, over {@link #MAX_BYTES}) changes nothing:
 * the copy in service keeps serving and the failure is counted. An invalid file is rejected by the holder
 * and its ETag remembered, so the same bad file is not re-validated (and its errors re-logged) every poll.
 */
public final class RegistryFetcher implements AutoCloseable {
    /** A registry above this is refused: some 5 million domains; a runaway or hostile body stops here. */
    static final int MAX_BYTES = 256 << 20;
    /** A fetch (head and body) that takes longer than this is abandoned. */
    static final Duration FETCH_TIMEOUT = Duration.ofMinutes(2);

    /** How much a fetch may bring and how long it may take (smaller in tests). */
    record Limits(int maxBytes, Duration timeout) {
        static final Limits DEFAULT = new Limits(MAX_BYTES, FETCH_TIMEOUT);
    }
    private static final String TRIGGER = "fetch";
    /** While the source stays away, one warning per this many failed polls (each is counted all the same). */
    static final int FAILURES_PER_WARNING = 20;
    private static final Logger log = LoggerFactory.getLogger(RegistryFetcher.class);

    private final URI url;
    private final RegistryHolder holder;
    private final Clock clock;
    private final HttpClient client;
    private final Limits limits;
    /** The thread inside {@code holder.offer} for this fetcher, while it is there. */
    private volatile Thread offering;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "registry-fetch");
        t.setDaemon(true);
        return t;
    });
    private final Counter changed;
    private final Counter unchanged;
    private final Counter rejected;
    private final Counter failed;
    private final AtomicLong lastSuccess = new AtomicLong();
    /** Of the last body offered to the holder, valid or not; null: the next poll downloads whole. */
    private volatile String etag;
    private ScheduledFuture<?> polling;
    private int failedInARow; // only the fetch thread

    public RegistryFetcher(URI url, RegistryHolder holder, MeterRegistry meters, Clock clock) {
        this(url, holder, meters, clock, Limits.DEFAULT);
    }

    RegistryFetcher(URI url, RegistryHolder holder, MeterRegistry meters, Clock clock, Limits limits) {
        this.limits = limits;
        this.url = url;
        this.holder = holder;
        this.clock = clock;
        this.client = client();
        this.changed = fetches(meters, "changed");
        this.unchanged = fetches(meters, "unchanged");
        this.rejected = fetches(meters, "rejected");
        this.failed = fetches(meters, "failed");
        Gauge.builder("beian_registry_fetch_last_success_timestamp_seconds", lastSuccess, AtomicLong::doubleValue)
                .description("When registry.url last answered (a new file, the same file or 304), 0 before")
                .register(meters);
        // a registry swapped in by another trigger (SIGHUP, POST /reload of the kept copy) says nothing of the
        // source: judge the source's file again at the next poll, so that a file it still holds is rejected
        // again (beian_registry_rejected) rather than hidden behind a 304
        holder.addListener(result -> {
            if (!result.changed()) {
                return;
            }
            if (Thread.currentThread() == offering) {
                // counted as the swap is told, not once offer returns: that is after the compiled form is
                // written (a second or more for a large registry), and the version gauges show the swap at once
                changed.increment();
            } else {
                etag = null;
            }
        });
    }

    private static Counter fetches(MeterRegistry meters, String result) {
        return Counter.builder("beian_registry_fetches").tag("result", result)
                .description("Fetches of registry.url by result: changed (a new registry swapped in), unchanged "
                        + "(304 or the same bytes), rejected (invalid file), failed (no file)")
                .register(meters);
    }

    /**
     * Fetches now, then every {@code poll} after each fetch ends; {@code knownEtag}: the ETag of the file in
     * service when it was itself just fetched (a replica's first start), so that the first poll is a 304.
     */
    public void start(Duration poll, String knownEtag) {
        etag = knownEtag;
        polling = thread.scheduleWithFixedDelay(this::poll, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One poll: fetch, offer, count. Never throws (a scheduled task that throws is never run again). */
    void poll() {
        Fetched fetched;
        try {
            fetched = fetch(client, url, etag, limits);
        } catch (IOException e) {
            fetchFailed("cannot fetch " + url + ": " + describe(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            fetchFailed("cannot fetch " + url + ": " + e);
            return;
        }
        if (failedInARow > 0) {
            log.info("registry.url {} answers again, after {} failed poll(s)", url, failedInARow);
            failedInARow = 0;
        }
        lastSuccess.set(clock.millis() / 1000);
        if (fetched.bytes() == null) {
            unchanged.increment();
            return;
        }
        ReloadResult result;
        offering = Thread.currentThread();
        try {
            result = holder.offer(fetched.bytes(), TRIGGER, url.toString());
        } finally {
            offering = null;
        }
        if (result.rejected()) {
            rejected.increment();
            etag = fetched.etag();
        } else if (!result.success()) {
            failed.increment(); // valid, but no copy could be kept: try again next poll
        } else {
            if (!result.changed()) {
                unchanged.increment(); // a change was counted by the listener, as it was told
            }
            etag = fetched.etag();
        }
    }

    /**
     * Counted every time; logged the first time and then once per {@link #FAILURES_PER_WARNING} polls, so that
     * a source away for an hour is a few lines in the log, not one every poll.
     */
    private void fetchFailed(String message) {
        failed.increment();
        failedInARow++;
        boolean logged = failedInARow % FAILURES_PER_WARNING == 1;
        holder.reportFailure(TRIGGER, failedInARow == 1 ? message
                : message + " (" + failedInARow + " polls in a row; one warning per " + FAILURES_PER_WARNING + ")",
                logged);
    }

    /** What went wrong, in words: the JDK's connection errors often carry no message at all. */
    static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused or unreachable";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** A body, or null bytes for 304 Not Modified; with the response's ETag (null when none). */
    public record Fetched(byte[] bytes, String etag) {
    }

    /**
     * One GET of the registry, for the first start of a replica that keeps no copy yet; an error when the
     * server does not answer 200 with a whole body.
     */
    public static Fetched fetchOnce(URI url) throws IOException, InterruptedException {
        try {
            return fetch(client(), url, null, Limits.DEFAULT);
        } catch (IOException e) {
            throw new IOException(describe(e), e);
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL) // never from https down to http
                .build();
    }

    static Fetched fetch(HttpClient client, URI url, String etag, Limits limits)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(limits.timeout())
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", "beian-gateway/" + BuildInfo.version());
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        // the request's own timeout ends with the response head, and a blocked read of the JDK's body stream
        // wakes for neither interrupt nor close: the body is gathered by LimitedBody, the whole answer waited
        // for with a deadline, and the exchange cancelled when it passes
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(request.build(),
                info -> info.statusCode() == 200 ? new LimitedBody(limits.maxBytes(), info)
                        : HttpResponse.BodySubscribers.replacing(null));
        HttpResponse<byte[]> response;
        try {
            response = answer.get(limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException("no whole answer within " + limits.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        if (response.statusCode() == 304 && etag != null) {
            return new Fetched(null, etag);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " (expected 200)");
        }
        boolean gzip = response.headers().firstValue("Content-Encoding")
                .map(v -> v.trim().equalsIgnoreCase("gzip")).orElse(false);
        byte[] bytes = gzip ? readLimited(new GZIPInputStream(new ByteArrayInputStream(response.body()),
                64 << 10), limits.maxBytes()) : response.body();
        return new Fetched(bytes, response.headers().firstValue("ETag").orElse(null));
    }

    /**
     * A 200's body, gathered up to {@code max} bytes (past that the exchange is cancelled and the fetch
     * fails) into one array sized from Content-Length where it is given: a 50 MB registry is not copied again.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private byte[] bytes;
        private int size;
        private Flow.Subscription subscription;

        LimitedBody(int max, HttpResponse.ResponseInfo info) {
            this.max = max;
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(64 << 10);
            this.bytes = new byte[(int) Math.min(Math.max(declared, 0), max)];
        }

        @Override
        public CompletableFuture<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int n = buffer.remaining();
                if ((long) size + n > max) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("the registry is over " + max + " bytes; refused"));
                    return;
                }
                if (size + n > bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) Math.min(max, Math.max(size + n, 2L * bytes.length)));
                }
                buffer.get(bytes, size, n);
                size += n;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
        }
    }

    /** The whole stream, or an error past {@code max} bytes (also a gzip body that inflates past it). */
    private static byte[] readLimited(InputStream in, int max) throws IOException {
        byte[] bytes = in.readNBytes(max + 1);
        if (bytes.length > max) {
            throw new IOException("the registry is over " + max + " bytes; refused");
        }
        return bytes;
    }

    /** Stops polling; a fetch under way is interrupted and waited for (up to 5 s), as the holder's reloads are. */
    @Override
    public void close() {
        if (polling != null) {
            polling.cancel(true);
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
