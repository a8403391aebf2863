package dev.beian.gateway.block;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's own small answers: 400, 405, 408, 414, 431, 502, 503, 504. Fixed text, never anything the
 * client sent, so nothing can be reflected into them.
 */
public final class Answers {
    private Answers() {
    }

    /** A short page for {@code status}, with {@code X-Beian-Reason: reason}. */
    public static FullHttpResponse of(HttpResponseStatus status, String reason, boolean keepAlive) {
        String page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + status.code() + " "
                + status.reasonPhrase() + "</title></head><body><h1>" + status.code() + " " + status.reasonPhrase()
                + "</h1><p>" + text(status) + "</p></body></html>\n";
        byte[] body = page.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(BlockAnswers.REASON_HEADER, reason);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private static String text(HttpResponseStatus status) {
        return switch (status.code()) {
            case 400 -> "请求无效。The request is malformed.";
            case 405 -> "不支持此方法。This method is not supported here.";
            case 408 -> "请求头接收超时。The request head was not received in time.";
            case 414 -> "请求行过长。The request line is too long.";
            case 431 -> "请求头过大。The request head is too large.";
            case 502 -> "上游服务无法连接或异常中断。The upstream application could not be reached or failed.";
            case 503 -> "网关正在停止。The gateway is shutting down.";
            case 504 -> "上游服务响应超时。The upstream application did not answer in time.";
            default -> status.reasonPhrase();
        };
    }
}
