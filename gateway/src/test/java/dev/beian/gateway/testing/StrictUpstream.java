package dev.beian.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * An upstream that reads what the gateway sends with its own strict, hand-written HTTP/1.1 parser (no
 * Netty: a lenient parser would hide exactly what these tests look for) and records every request it
 * receives, together with every way in which one breaks the gateway's promises: a request line other than
 * {@code method SP origin-form SP HTTP/1.1}, not exactly one Host, a Host the test does not call filed,
 * framing that is not one canonical Content-Length or {@code Transfer-Encoding: chunked}, a hop-by-hop or
 * underscore field, forwarding fields that are not the gateway's own. A connection whose bytes cannot be
 * parsed is recorded as a problem and closed.
 *
 * <p>Answers {@code 200} with {@code host=… target=… body=N}; {@code /slow?ms=N} first waits N ms;
 * {@code /no-read} reads the head and then stops reading (an app that never takes the upload);
 * {@code /hostile-response} answers with {@code Connection: Content-Length, Transfer-Encoding}.
 */
public final class StrictUpstream implements AutoCloseable {
    /** One request as it arrived. */
    public record Received(String method, String target, List<String[]> headers, long bodyLength) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public long count(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).count();
        }
    }

    private static final Pattern METHOD = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern NAME = Pattern.compile("[!#$%&'*+\\-.^`|~0-9A-Za-z]+"); // tchar without '_'
    private static final Pattern CANONICAL_LENGTH = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "expect");

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "strict-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Predicate<String> filed;
    public final Queue<Received> received = new ConcurrentLinkedQueue<>();
    public final Queue<String> problems = new ConcurrentLinkedQueue<>();
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger open = new AtomicInteger();

    /** {@code filed}: whether a Host (as received, lower-cased, port and one trailing dot removed) may reach this app. */
    public StrictUpstream(Predicate<String> filed) throws IOException {
        this.filed = filed;
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                open.incrementAndGet();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                Received r = readRequest(in);
                if (r == null) {
                    return;
                }
                if (r.target().startsWith("/no-read")) {
                    Thread.sleep(60_000); // holds the connection without reading the body
                    return;
                }
                long body = readBody(in, r);
                r = new Received(r.method(), r.target(), r.headers(), body);
                received.add(r);
                if (r.target().startsWith("/slow?ms=")) {
                    Thread.sleep(Long.parseLong(r.target().substring("/slow?ms=".length())));
                }
                byte[] answer = ("host=" + r.header("host") + " target=" + r.target() + " body=" + body)
                        .getBytes(StandardCharsets.ISO_8859_1);
                // /hostile-response: a Connection field that names the response's own framing
                String connection = r.target().startsWith("/hostile-response")
                        ? "Connection: Content-Length, Transfer-Encoding\r\n" : "";
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n" + connection + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(answer);
                out.flush();
            }
        } catch (Malformed e) {
            problems.add(e.getMessage());
        } catch (IOException | InterruptedException e) {
            // the gateway closed or reset the connection: allowed at any point
        } finally {
            open.decrementAndGet();
        }
    }

    /** Thrown for bytes that break the gateway's promises; the connection is then closed. */
    private static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private Received readRequest(InputStream in) throws IOException {
        String line = line(in, true);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !METHOD.matcher(parts[0]).matches() || !parts[1].startsWith("/") && !parts[1].equals("*")
                || !parts[2].equals("HTTP/1.1")) {
            throw new Malformed("request line: " + printable(line));
        }
        for (char c : parts[1].toCharArray()) {
            if (c < 0x21 || c == 0x7F) {
                throw new Malformed("control byte in target: " + printable(line));
            }
        }
        List<String[]> headers = new ArrayList<>();
        String h;
        while (!(h = line(in, false)).isEmpty()) {
            int colon = h.indexOf(':');
            if (colon <= 0 || !NAME.matcher(h.substring(0, colon)).matches()) {
                throw new Malformed("field name: " + printable(h) + " in " + printable(line));
            }
            String value = h.substring(colon + 1).strip();
            for (char c : value.toCharArray()) {
                if (c < 0x20 && c != '\t' || c == 0x7F) {
                    throw new Malformed("control byte in field value: " + printable(h));
                }
            }
            headers.add(new String[] {h.substring(0, colon), value});
        }
        Received r = new Received(parts[0], parts[1], headers, -1);
        check(r, line);
        return r;
    }

    private void check(Received r, String line) throws Malformed {
        String where = printable(line) + " " + names(r);
        if (r.count("host") != 1) {
            throw new Malformed("Host fields: " + r.count("host") + " in " + where);
        }
        String host = r.header("host").toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "").replaceFirst("\\.$", "");
        if (!filed.test(host)) {
            throw new Malformed("unfiled host reached the app: " + host + " in " + where);
        }
        long cl = r.count("content-length");
        long te = r.count("transfer-encoding");
        if (cl > 1 || te > 1 || cl + te > 1) {
            throw new Malformed("framing fields: CL " + cl + " TE " + te + " in " + where);
        }
        if (cl == 1 && !CANONICAL_LENGTH.matcher(r.header("content-length")).matches()) {
            throw new Malformed("Content-Length not canonical: " + r.header("content-length"));
        }
        if (te == 1 && !r.header("transfer-encoding").equals("chunked")) {
            throw new Malformed("Transfer-Encoding: " + r.header("transfer-encoding"));
        }
        for (String[] h : r.headers()) {
            String n = h[0].toLowerCase(Locale.ROOT);
            boolean websocket = n.equals("upgrade") && h[1].equals("websocket")
                    || n.equals("connection") && h[1].equals("upgrade") && "websocket".equals(r.header("upgrade"));
            if (HOP_BY_HOP.contains(n) && !websocket) {
                throw new Malformed("hop-by-hop field " + h[0] + ": " + h[1] + " in " + where);
            }
        }
        if (r.count("forwarded") != 1 || r.count("x-forwarded-host") != 1 || r.count("x-forwarded-proto") != 1
                || r.count("x-forwarded-for") != 1 || r.count("via") != 1) {
            throw new Malformed("forwarding fields not one each: " + where);
        }
        String xfh = r.header("x-forwarded-host");
        if (!xfh.equals(r.header("host"))) {
            throw new Malformed("X-Forwarded-Host " + xfh + " differs from Host " + r.header("host"));
        }
        String fwd = r.header("forwarded");
        if (!fwd.startsWith("for=127.0.0.1;proto=http;host=")
                || !fwd.endsWith("host=" + xfh) && !fwd.endsWith("host=\"" + xfh + "\"")) {
            throw new Malformed("Forwarded not the gateway's: " + fwd);
        }
        if (!r.header("x-forwarded-for").endsWith("127.0.0.1") || !r.header("via").endsWith("1.1 beian-gateway")) {
            throw new Malformed("X-Forwarded-For or Via: " + where);
        }
    }

    private long readBody(InputStream in, Received r) throws IOException {
        String cl = r.header("content-length");
        if (cl != null) {
            long n = Long.parseLong(cl);
            in.skipNBytes(n);
            return n;
        }
        if (r.header("transfer-encoding") == null) {
            return 0;
        }
        long total = 0;
        while (true) {
            String size = line(in, false);
            if (!size.matches("[0-9a-fA-F]{1,15}")) {
                throw new Malformed("chunk size line: " + printable(size));
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                String end = line(in, false);
                if (!end.isEmpty()) {
                    throw new Malformed("trailer passed on: " + printable(end));
                }
                return total;
            }
            in.skipNBytes(n);
            total += n;
            if (!line(in, false).isEmpty()) {
                throw new Malformed("chunk not followed by CRLF");
            }
        }
    }

    /** One CRLF-terminated line as ISO-8859-1; a bare LF or CR is a problem. Null at a clean end (if allowed). */
    private static String line(InputStream in, boolean endAllowed) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new Malformed("CR without LF after " + printable(b.toString(StandardCharsets.ISO_8859_1)));
                }
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c == '\n') {
                throw new Malformed("bare LF after " + printable(b.toString(StandardCharsets.ISO_8859_1)));
            }
            b.write(c);
            if (b.size() > 1 << 20) {
                throw new Malformed("line over 1 MiB");
            }
        }
        if (endAllowed && b.size() == 0) {
            return null;
        }
        throw new java.io.EOFException("connection ended inside a line");
    }

    private static String names(Received r) {
        StringBuilder sb = new StringBuilder("[");
        for (String[] h : r.headers()) {
            sb.append(h[0]).append(": ").append(printable(h[1])).append("; ");
        }
        return sb.append(']').toString();
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c >= 0x7F) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Waits until {@code n} requests were received in all, or {@code millis} passed. */
    public void awaitReceived(int n, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (received.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
