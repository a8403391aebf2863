package dev.beian.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The client's address: from the PROXY protocol header when the load balancer sends one, else the peer. */
final class ClientAddress {
    static final AttributeKey<String> KEY = AttributeKey.valueOf("beian.clientAddress");

    private ClientAddress() {
    }

    /** The client's connection: the channel itself, or for an HTTP/2 stream the connection it belongs to. */
    static Channel connection(Channel channel) {
        return channel instanceof Http2StreamChannel stream ? stream.parent() : channel;
    }

    static String of(Channel channel) {
        String fromProxy = channel.attr(KEY).get();
        if (fromProxy != null) {
            return fromProxy;
        }
        SocketAddress peer = channel.remoteAddress();
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(peer);
    }
}
