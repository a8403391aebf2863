package dev.beian.gateway.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Routes the admin endpoints of SPEC §8. {@code /metrics}, {@code /healthz} and {@code /readyz} are always
 * open (probes and Prometheus carry no secrets); {@code /lookup}, {@code /registry} and {@code /reload}
 * need the bearer token when one is set.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String JSON = "application/json; charset=utf-8";

    private final AdminEndpoints endpoints;

    AdminHandler(AdminEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "bad request\n", false);
            return;
        }
        // the decoder reads each target byte as one char: raw UTF-8 (/lookup?host=示例.中国 typed as is) is re-read
        // as UTF-8; percent-escapes are ASCII and pass through unchanged
        String uri = new String(request.uri().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        QueryStringDecoder query = new QueryStringDecoder(uri);
        String path;
        Map<String, List<String>> parameters;
        try { // both decode percent-escapes, and throw on a bad one (%zz)
            path = query.path();
            parameters = query.parameters();
        } catch (IllegalArgumentException e) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, JSON,
                    Json.write(Map.of("error", "malformed request target: " + e.getMessage())) + "\n", keepAlive);
            return;
        }
        HttpMethod method = request.method();
        boolean protectedPath = path.equals("/lookup") || path.equals("/registry") || path.equals("/reload");
        if (protectedPath && !endpoints.authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, JSON,
                    Json.write(Map.of("error", "missing or wrong bearer token")) + "\n");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"beian-gateway admin\"");
            write(ctx, r, keepAlive);
            return;
        }
        boolean get = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        switch (path) {
            case "/metrics" -> {
                if (get) {
                    send(ctx, HttpResponseStatus.OK, PROMETHEUS_TEXT, endpoints.scrape(), keepAlive);
                    return;
                }
            }
            case "/healthz" -> {
                if (get) {
                    send(ctx, HttpResponseStatus.OK, "text/plain; charset=utf-8", "ok\n", keepAlive);
                    return;
                }
            }
            case "/readyz" -> {
                if (get) {
                    boolean ready = endpoints.ready();
                    send(ctx, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            "text/plain; charset=utf-8", ready ? "ready\n" : "not ready\n", keepAlive);
                    return;
                }
            }
            case "/registry" -> {
                if (get) {
                    send(ctx, HttpResponseStatus.OK, JSON, Json.write(endpoints.registry()) + "\n", keepAlive);
                    return;
                }
            }
            case "/lookup" -> {
                if (get) {
                    List<String> hosts = parameters.get("host");
                    if (hosts == null || hosts.isEmpty()) {
                        send(ctx, HttpResponseStatus.BAD_REQUEST, JSON,
                                Json.write(Map.of("error", "give the host: /lookup?host=www.example.cn")) + "\n", keepAlive);
                        return;
                    }
                    Map<String, Object> view = endpoints.lookup(hosts.get(0));
                    HttpResponseStatus status = "invalid".equals(view.get("decision"))
                            ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.OK;
                    send(ctx, status, JSON, Json.write(view) + "\n", keepAlive);
                    return;
                }
            }
            case "/reload" -> {
                if (method.equals(HttpMethod.POST)) {
                    endpoints.reload().whenComplete((result, error) -> {
                        if (error != null) {
                            send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, JSON,
                                    Json.write(Map.of("error", String.valueOf(error))) + "\n", false);
                        } else {
                            send(ctx, result.success() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY,
                                    JSON, Json.write(AdminEndpoints.reloadAnswer(result)) + "\n", keepAlive);
                        }
                    });
                    return;
                }
            }
            default -> {
                send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "not found\n", keepAlive);
                return;
            }
        }
        FullHttpResponse r = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                "method not allowed\n");
        r.headers().set(HttpHeaderNames.ALLOW, path.equals("/reload") ? "POST" : "GET, HEAD");
        write(ctx, r, keepAlive);
    }

    /**
     * Whatever a handler step threw: answered 500 and closed, told in one line. Netty would log it with its
     * stack as an error nobody handled, and leave the client waiting.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            ctx.close(); // the client's socket: nothing to answer
            return;
        }
        LoggerFactory.getLogger(AdminHandler.class).warn("admin request failed: {}", String.valueOf(cause));
        send(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, JSON,
                Json.write(Map.of("error", String.valueOf(cause))) + "\n", false);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body,
                             boolean keepAlive) {
        write(ctx, response(status, type, body), keepAlive);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
