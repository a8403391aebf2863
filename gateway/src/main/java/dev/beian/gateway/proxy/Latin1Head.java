package dev.beian.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * Head text written back as the bytes it was read from. Netty's decoder reads each head byte as one char
 * (ISO-8859-1), but its request encoder writes the target as UTF-8, so a byte 0x80 in a path would leave as
 * {@code C2 80}: the far side would see a message other than the one that was decided on. Writing each char
 * as its low byte gives back every byte; the heads the gateway writes itself do the same ({@link HeadBytes}).
 */
final class Latin1Head {
    private static final int COLON_SP = (':' << 8) | ' ';
    private static final int CRLF = ('\r' << 8) | '\n';

    private Latin1Head() {
    }

    static void writeHeaders(HttpHeaders headers, ByteBuf buf) {
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            field(buf, header.getKey(), header.getValue());
        }
    }

    /** One field line. */
    private static void field(ByteBuf buf, CharSequence name, CharSequence value) {
        write(buf, name);
        buf.writeShort(COLON_SP);
        write(buf, value);
        buf.writeShort(CRLF);
    }

    /**
     * Each char as the byte it was read from: {@code ByteBufUtil.writeAscii} writes a char's low byte (as
     * {@code writeCharSequence} does for ISO-8859-1, after asking its charset on every call which one it is:
     * 1.5 % of a forwarded request in a profile), and copies an {@link AsciiString}'s bytes as they are.
     * {@code RequestHygieneTest} holds bytes 0x80-0xFF to it.
     */
    private static void write(ByteBuf buf, CharSequence text) {
        ByteBufUtil.writeAscii(buf, text);
    }
}
