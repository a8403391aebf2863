package dev.beian.gateway.block;

import dev.beian.decision.BlockReason;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.host.HostNormalizer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The block notice (SPEC §7), encoded once when the gateway starts: for each reason, the page split into
 * byte runs around its {@code {host}} places, so a request costs only the escaping of its host and one
 * copy. Page mode answers {@code block.status} with a Chinese and English notice that names the case;
 * redirect mode answers 302 to {@code redirect-url} with {@code {host}} percent-encoded and {@code {reason}}.
 */
public final class BlockAnswers {
    /** The response header that tells why, on every answer the gateway makes itself. */
    public static final String REASON_HEADER = "X-Beian-Reason";

    private final GatewayConfig.BlockMode mode;
    private final HttpResponseStatus pageStatus;
    private final Map<BlockReason, byte[][]> pages = new EnumMap<>(BlockReason.class);
    private final String redirectUrl;
    /** The built-in page shows an IDN as its owner knows it, the ASCII form beside; an own page gets {host} as is. */
    private final boolean builtIn;

    public BlockAnswers(GatewayConfig config) throws IOException {
        this.mode = config.block().mode();
        this.pageStatus = config.block().status() == 451
                ? new HttpResponseStatus(451, "Unavailable For Legal Reasons") // RFC 7725; Netty has no name for it
                : HttpResponseStatus.valueOf(config.block().status());
        this.redirectUrl = config.block().redirectUrl();
        this.builtIn = config.block().page() == null;
        String template = builtIn ? BUILT_IN : Files.readString(config.block().page(), StandardCharsets.UTF_8);
        for (BlockReason reason : BlockReason.values()) {
            pages.put(reason, split(fill(template, reason)));
        }
    }

    /** The status of every answer: 302 when redirecting, else the page's. */
    public int status() {
        return mode == GatewayConfig.BlockMode.REDIRECT ? HttpResponseStatus.FOUND.code() : pageStatus.code();
    }

    /** The answer for a blocked request; {@code host} is the normalised host (or the raw one, when none). */
    public FullHttpResponse answer(BlockReason reason, String host, boolean keepAlive) {
        FullHttpResponse response;
        if (mode == GatewayConfig.BlockMode.REDIRECT) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND, Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.LOCATION,
                    redirectUrl.replace("{host}", URLEncoder.encode(host, StandardCharsets.UTF_8))
                            .replace("{reason}", reason.label()));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        } else {
            byte[][] parts = pages.get(reason);
            byte[] escaped = Html.escape(builtIn ? HostNormalizer.shown(host) : host).getBytes(StandardCharsets.UTF_8);
            byte[] body = join(parts, escaped);
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, pageStatus, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        h.set(REASON_HEADER, reason.label());
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private static byte[] join(byte[][] parts, byte[] host) {
        int length = host.length * (parts.length - 1);
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                System.arraycopy(host, 0, out, at, host.length);
                at += host.length;
            }
            System.arraycopy(parts[i], 0, out, at, parts[i].length);
            at += parts[i].length;
        }
        return out;
    }

    /** The runs of the page between its {@code {host}} places, as UTF-8. */
    private static byte[][] split(String page) {
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        int at;
        while ((at = page.indexOf("{host}", from)) >= 0) {
            parts.add(page.substring(from, at).getBytes(StandardCharsets.UTF_8));
            from = at + "{host}".length();
        }
        parts.add(page.substring(from).getBytes(StandardCharsets.UTF_8));
        return parts.toArray(new byte[0][]);
    }

    private static String fill(String template, BlockReason reason) {
        String[] text = TEXT.get(reason);
        return template.replace("{reason}", Html.escape(reason.label()))
                .replace("{title_zh}", text[0]).replace("{detail_zh}", text[1])
                .replace("{title_en}", text[2]).replace("{detail_en}", text[3])
                .replace("{next_zh}", text[4]).replace("{next_en}", text[5]);
    }

    private static final Map<BlockReason, String[]> TEXT = Map.of(
            BlockReason.UNFILED, new String[] {
                "网站暂时无法访问",
                "该网站未根据工业和信息化部相关法律法规进行备案（ICP备案），暂时无法访问。",
                "This website cannot be reached",
                "The domain has no ICP filing (ICP备案) as required by the regulations of the Ministry of Industry and Information Technology.",
                "网站负责人：请为该域名办理ICP备案（首次备案或新增网站），备案通过并接入本服务商后即可访问。",
                "If this is your site: file it (办理备案, a first filing or a new website); it is served once the filing is issued and accessed here."},
            BlockReason.NOT_ACCESSED, new String[] {
                "网站暂时无法访问",
                "该网站的备案未接入本服务商，或接入已取消、已过期，暂时无法访问。",
                "This website cannot be reached",
                "The website's ICP filing is not accessed (接入) at this provider, or its access was withdrawn or has expired.",
                "网站负责人：请在本服务商完成接入备案，接入完成后即可访问。",
                "If this is your site: complete 接入备案 (access filing) with this provider; it is served once the access is done."},
            BlockReason.CANCELLED, new String[] {
                "网站暂时无法访问",
                "该网站的备案已被注销，暂时无法访问。",
                "This website cannot be reached",
                "The website's ICP filing, or its holder's, has been cancelled (注销).",
                "网站负责人：备案已注销，请重新办理ICP备案。",
                "If this is your site: the filing was cancelled; file it again (重新备案)."});

    private static final String BUILT_IN = """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title_zh} / {title_en}</title>
            <style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#333}h1{font-size:1.4rem}p{line-height:1.6}code{background:#f4f4f4;padding:0 .3em}</style>
            </head>
            <body>
            <h1>{title_zh}</h1>
            <p>{detail_zh}</p>
            <p>域名：<code>{host}</code></p>
            <p>{next_zh}</p>
            <h1>{title_en}</h1>
            <p>{detail_en}</p>
            <p>Domain: <code>{host}</code></p>
            <p>{next_en}</p>
            <p><small>reason: {reason}</small></p>
            </body>
            </html>
            """;

    /** Escaping for text and attribute values in HTML. */
    static final class Html {
        private Html() {
        }

        static String escape(String s) {
            StringBuilder sb = null;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                String r = switch (c) {
                    case '<' -> "&lt;";
                    case '>' -> "&gt;";
                    case '&' -> "&amp;";
                    case '"' -> "&quot;";
                    case '\'' -> "&#39;";
                    default -> null;
                };
                if (r != null && sb == null) {
                    sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                if (sb != null) {
                    if (r != null) {
                        sb.append(r);
                    } else {
                        sb.append(c);
                    }
                }
            }
            return sb == null ? s : sb.toString();
        }
    }
}
