package dev.beian.gateway.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Captures the {@code beian.access} lines written while it is open: each as its key-value pairs. */
public final class AccessLines implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("beian.access");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public AccessLines() {
        appender.start();
        logger.addAppender(appender);
    }

    /** The lines so far, each as its key-value pairs. */
    public List<Map<String, Object>> lines() {
        return appender.list.stream().map(e -> {
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
        while (appender.list.size() < n && System.currentTimeMillis() < deadline) {
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
