package dev.beian.gateway.proxy;

import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator why an upstream's answer became a 502: the access line says {@code upstream_error}, this
 * line says what the app sent wrong (as nginx's {@code upstream sent invalid header}). At most one line a
 * second for the whole process ({@link WarningRate}): a broken app answers every request.
 */
final class MalformedAnswers {
    private static final Logger log = LoggerFactory.getLogger(MalformedAnswers.class);
    private static final WarningRate RATE = new WarningRate();

    private MalformedAnswers() {
    }

    static void report(InetSocketAddress upstream, String why) {
        String more = RATE.admit();
        if (more != null) {
            log.warn("upstream {} sent a malformed answer ({}); the connection is closed and the client answered 502"
                    + " or cut off{}", upstream, why, more);
        }
    }
}
