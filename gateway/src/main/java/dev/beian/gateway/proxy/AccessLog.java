package dev.beian.gateway.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the {@code beian.access} logger: time (from the log pattern), client address,
 * host, method, path, status, outcome, upstream, duration. DefaultLogging (or a logback.xml) routes it through an
 * asynchronous appender, so an event loop never waits on a disk; a disabled logger costs one check.
 */
public final class AccessLog {
    /** The logger the access lines go to; logging set-ups route it on its own. */
    public static final String LOGGER = "beian.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    public void request(String client, String host, String method, String path, int status, String outcome,
                        String upstream, long elapsedNanos) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long micros = elapsedNanos / 1000;
        log.atInfo()
                .addKeyValue("client", client)
                .addKeyValue("host", host)
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("outcome", outcome)
                .addKeyValue("upstream", upstream)
                .addKeyValue("duration_ms", micros / 1000.0)
                .log("{} {} {} {} {} {} {} {}ms", client, host == null ? "-" : host, method, path, status,
                        outcome, upstream == null ? "-" : upstream, micros / 1000.0);
    }
}
