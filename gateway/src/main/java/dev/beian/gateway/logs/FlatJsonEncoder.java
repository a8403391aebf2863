package dev.beian.gateway.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.beian.gateway.admin.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, flat, with typed values: what log shippers (Loki, Elasticsearch, Vector) index
 * without a parsing rule.
 *
 * <pre>{"time":"2026-11-29T21:16:29.123Z","level":"INFO","logger":"beian.access","thread":"io-1",
 * "message":"…","client":"203.0.113.9","host":"example.cn","status":200,"upstream":null,"duration_ms":1.25}</pre>
 *
 * <p>Why not logback's {@code JsonEncoder}: it writes key-value pairs as a list of one-key objects, every
 * value as a string ({@code "status":"200"}, {@code "upstream":"null"}) and the time as epoch milliseconds.
 * Here numbers and booleans stay numbers and booleans, null is null, and the time is ISO-8601 in UTC.
 */
public final class FlatJsonEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"time\":\"");
        DateTimeFormatter.ISO_INSTANT.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), json);
        json.append("\",\"level\":\"").append(event.getLevel()).append('"');
        field(json, "logger", event.getLoggerName());
        field(json, "thread", event.getThreadName());
        field(json, "message", event.getFormattedMessage());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                field(json, pair.key, pair.value);
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(json, "exception", ThrowableProxyUtil.asString(thrown));
        }
        return json.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder json, String key, Object value) {
        json.append(',');
        Json.string(json, key);
        json.append(':');
        if (value == null) {
            json.append("null");
        } else if (value instanceof Boolean
                || value instanceof Number number && !(number instanceof Double d && !Double.isFinite(d))
                && !(number instanceof Float f && !Float.isFinite(f))) {
            json.append(value);
        } else {
            Json.string(json, value.toString());
        }
    }
}
