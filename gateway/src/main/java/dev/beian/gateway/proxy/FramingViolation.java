package dev.beian.gateway.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * What {@link FramingEnforcer} sends down the pipeline in place of a request, or a piece of one, that
 * the decoder could not frame safely. The exchange handler answers it (when it still can) and closes.
 */
record FramingViolation(HttpResponseStatus status, String problem) {
}
