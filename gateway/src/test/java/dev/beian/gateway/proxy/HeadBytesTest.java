package dev.beian.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeadBytesTest {
    private static byte[] bytes(HeadBytes head) {
        ByteBuf buf = head.toBuffer(UnpooledByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void eachCharIsTheByteItWasReadFromWhateverTheTextType() {
        String latin1 = "caf\u00e9/\u0080\u00ff";
        byte[] got = bytes(HeadBytes.start().text(new AsciiString("GET")).sp().text(latin1).crlf()
                .field(AsciiString.of("X-Name"), new StringBuilder("v\u00e4")).crlf());
        assertArrayEquals(("GET " + latin1 + "\r\nX-Name: v\u00e4\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), got);
    }

    @Test
    void aHeadLargerThanTheBufferGrowsItAndTheNextHeadStartsEmpty() {
        String big = "x".repeat(5000);
        HeadBytes head = HeadBytes.start();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            head.field("F" + i, big);
            expected.append("F").append(i).append(": ").append(big).append("\r\n");
        }
        assertTrue(head.capacity() > HeadBytes.KEEP);
        assertArrayEquals(expected.toString().getBytes(StandardCharsets.ISO_8859_1), bytes(head));
        assertTrue(head.capacity() <= HeadBytes.KEEP, "not kept for the thread's life once copied out");
        assertArrayEquals("A: b\r\n".getBytes(StandardCharsets.ISO_8859_1), bytes(HeadBytes.start().field("A", "b")));
    }
}
