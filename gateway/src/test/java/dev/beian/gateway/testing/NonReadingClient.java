package dev.beian.gateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A slow-read attacker: it pipelines blocked requests for as long as it may and reads none of the answers. Its
 * socket's receive buffer is small, so the answers back up at the gateway, not in this client's kernel.
 */
public final class NonReadingClient implements AutoCloseable {
    /** A thousand 49-byte requests for an unfiled host: each earns a 2 KB page. */
    private static final byte[] THOUSAND = "GET / HTTP/1.1\r\nHost: unfiled.example.org\r\n\r\n".repeat(1000)
            .getBytes(StandardCharsets.US_ASCII);

    private final RawHttp raw;
    /** Completed when the writing ends: with the write's failure (the gateway closed), or null when all went. */
    public final CompletableFuture<IOException> ended = new CompletableFuture<>();

    /** Connects and starts writing {@code thousands} thousand requests from a thread of its own. */
    public NonReadingClient(int port, int thousands) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connecting, so that the window stays small
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        raw = new RawHttp(socket);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < thousands; i++) {
                    raw.output().write(THOUSAND);
                }
                ended.complete(null);
            } catch (IOException e) {
                ended.complete(e);
            }
        }, "non-reading-client");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
