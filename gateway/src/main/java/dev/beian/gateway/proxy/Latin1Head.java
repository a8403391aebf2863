package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Head text written back as the bytes it was read from. Netty's decoder reads each head byte as one char
 * (ISO-8859-1), but its encoders write the request target as UTF-8 and header values as US-ASCII, so a
 * byte 0x80 in a path would leave as {@code C2 80} and one in a header value as {@code ?}: the far side
 * would see a message other than the one that was decided on. Writing ISO-8859-1 gives back every byte.
 */
final class Latin1Head {
    private Latin1Head() {
    }

    static void writeHeaders(HttpHeaders headers, ByteBuf buf) {
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            buf.writeCharSequence(header.getKey(), StandardCharsets.ISO_8859_1);
            buf.writeByte(':').writeByte(' ');
            buf.writeCharSequence(header.getValue(), StandardCharsets.ISO_8859_1);
            buf.writeByte('\r').writeByte('\n');
        }
    }
}
