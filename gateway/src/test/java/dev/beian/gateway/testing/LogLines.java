package dev.beian.gateway.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Captures the lines a logger writes while it is open: as messages, or each as its key-value pairs. */
public final class LogLines implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogLines(String logger) {
        this.logger = (Logger) LoggerFactory.getLogger(logger);
        appender.start();
        this.logger.addAppender(appender);
    }

    /** The access log's lines ({@code beian.access}). */
    public static LogLines access() {
        return new LogLines("beian.access");
    }

    /** The messages so far, formatted. */
    public List<String> messages() {
        return List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The lines so far, each as its key-value pairs. */
    public List<Map<String, Object>> lines() {
        return List.copyOf(appender.list).stream().map(e -> {
            Map<String, Object> kv = new HashMap<>();
            e.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
            kv.put("message", e.getFormattedMessage());
            return kv;
        }).toList();
    }

    /** The lines with this path, waiting up to {@code millis} for {@code n} of them. */
    public List<Map<String, Object>> await(String path, int n, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        List<Map<String, Object>> got;
        while ((got = lines().stream().filter(l -> path.equals(l.get("path"))).toList()).size() < n
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        return got;
    }

    /** Waits up to {@code millis} for {@code n} lines. */
    public List<Map<String, Object>> await(int n, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (appender.list.size() < n && System.currentTimeMillis() < deadline) { // ListAppender's list is synchronized
            Thread.sleep(10);
        }
        return lines();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
