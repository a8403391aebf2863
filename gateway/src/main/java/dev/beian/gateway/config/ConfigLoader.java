package dev.beian.gateway.config;

import dev.beian.gateway.config.GatewayConfig.BlockMode;
import dev.beian.yaml.TextYaml;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads gateway.yaml (SPEC §4) with SnakeYAML's node API: every error names its line and column, unknown
 * keys are errors, {@code ${NAME}} and {@code ${NAME:-default}} take values from the environment, durations
 * ({@code 500ms}, {@code 3s}, {@code 1m}, {@code 2h}) and sizes ({@code 16KiB}, {@code 1MiB}, bytes) are
 * parsed, relative paths resolve against the file's folder, and upstream names are resolved here, once,
 * never on an event loop.
 */
public final class ConfigLoader {

    private final Function<String, String> env;

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** With the process environment. */
    public ConfigLoader() {
        this(System::getenv);
    }

    public GatewayConfig load(Path file) throws IOException, InvalidConfigException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return new Read(file).run(text);
    }

    /** One read of one file. */
    private final class Read extends ConfigValues {
        final Path file;
        final Path folder;

        Read(Path file) {
            super(env);
            this.file = file;
            Path parent = file.toAbsolutePath().getParent();
            this.folder = parent == null ? Path.of(".") : parent;
        }

        GatewayConfig run(String text) throws InvalidConfigException {
            Node root;
            try {
                LoaderOptions options = new LoaderOptions();
                options.setAllowDuplicateKeys(false);
                root = TextYaml.create(options).compose(new StringReader(text)); // values typed here, not by YAML
            } catch (YAMLException e) {
                syntaxError(e, text);
                throw new InvalidConfigException(file.toString(), errors());
            }
            Map<String, Node> top = root == null ? Map.of() : mapping(root, "gateway.yaml",
                    "listen", "threads", "admin", "registry", "cache", "upstreams", "block", "ip-hosts", "timeouts",
                    "limits", "tls", "http2");
            top.forEach((key, node) -> keyPath(node, key));
            Map<String, Node> http2 = section(top, "http2", "max-concurrent-streams");
            int maxStreams = (int) integer(http2.get("max-concurrent-streams"), 128, 1, 10_000);
            Map<String, Node> listen = section(top, "listen", "http", "https", "proxy-protocol");
            Map<String, Node> admin = section(top, "admin", "listen", "token");
            Map<String, Node> registry = section(top, "registry", "path", "watch", "url", "poll");
            Map<String, Node> cache = section(top, "cache", "maximum-size");
            Map<String, Node> block = section(top, "block", "mode", "status", "redirect-url", "page");
            Map<String, Node> timeouts = section(top, "timeouts", "connect", "response", "idle", "header", "drain");
            Map<String, Node> limits = section(top, "limits", "max-header-size", "max-connections",
                    "underscores-in-headers", "request-buffer", "min-body-rate");

            InetSocketAddress http = listenAddress(listen.get("http"), "0.0.0.0:8080");
            InetSocketAddress https = listen.get("https") == null ? null : listenAddress(listen.get("https"), null);
            GatewayConfig.Tls tls = tls(top.get("tls"), https, listen.get("https") != null ? listen.get("https") : root);
            boolean proxyProtocol = bool(listen.get("proxy-protocol"), false);
            int threads = (int) integer(top.get("threads"), 0, 0, 1024);
            InetSocketAddress adminListen = listenAddress(admin.get("listen"), "127.0.0.1:9090");
            String token = value(admin.get("token"), "");
            if (adminListen != null && !adminListen.getAddress().isLoopbackAddress() && token.isEmpty()) {
                error(admin.get("listen") != null ? admin.get("listen") : root,
                        "admin.listen " + adminListen + " is not a loopback address and admin.token is empty: "
                                + "anyone who reaches it could read the registry and force reloads; set a token");
            }
            Path registryPath = path(registry.get("path"), "registry.yaml");
            boolean watch = bool(registry.get("watch"), true);
            URI registryUrl = registryUrl(registry.get("url"));
            Duration poll = duration(registry.get("poll"), Duration.ofSeconds(30));
            if (registry.get("poll") != null && registryUrl == null) {
                error(registry.get("poll"), "registry.poll is given but registry.url is not: poll what?");
            }
            long cacheSize = integer(cache.get("maximum-size"), 100_000, 0, Integer.MAX_VALUE);
            Map<String, List<InetSocketAddress>> upstreams = upstreams(top.get("upstreams"));

            BlockMode mode = BlockMode.PAGE;
            Node modeNode = block.get("mode");
            if (modeNode != null) {
                String m = value(modeNode, "page");
                if (m.equals("redirect")) {
                    mode = BlockMode.REDIRECT;
                } else if (!m.equals("page")) {
                    error(modeNode, "block.mode must be page or redirect, not '" + m + "'");
                }
            }
            int status = (int) integer(block.get("status"), 451, 400, 599);
            String redirectUrl = value(block.get("redirect-url"),
                    "https://dnspod.qcloud.com/static/webblock.html?d={host}");
            String redirectProblem = redirectProblem(redirectUrl);
            if (redirectProblem != null) {
                error(block.get("redirect-url") != null ? block.get("redirect-url") : root,
                        "block.redirect-url " + redirectProblem + ", not '" + redirectUrl + "'");
            }
            Path page = block.get("page") == null ? null : path(block.get("page"), null);
            if (page != null && !Files.isReadable(page)) {
                error(block.get("page"), "block.page " + page + " cannot be read");
            }
            boolean ipForward = true;
            Node ipNode = top.get("ip-hosts");
            if (ipNode != null) {
                String v = value(ipNode, "forward");
                if (v.equals("block")) {
                    ipForward = false;
                } else if (!v.equals("forward")) {
                    error(ipNode, "ip-hosts must be forward or block, not '" + v + "'");
                }
            }
            if (ipForward && upstreams != null && !upstreams.containsKey("default")) {
                error(top.get("upstreams") != null ? top.get("upstreams") : root,
                        "upstreams must define 'default' (ip-hosts: forward and websites without upstream use it)");
            }
            Duration connect = duration(timeouts.get("connect"), Duration.ofSeconds(3));
            Duration response = duration(timeouts.get("response"), Duration.ofSeconds(60));
            Duration idle = duration(timeouts.get("idle"), Duration.ofSeconds(60));
            Duration header = duration(timeouts.get("header"), Duration.ofSeconds(10));
            Duration drain = duration(timeouts.get("drain"), Duration.ofSeconds(30));
            int maxHeader = (int) size(limits.get("max-header-size"), 16 * 1024, 1024, 1024 * 1024);
            int maxConnections = (int) integer(limits.get("max-connections"), 10_000, 1, 10_000_000);
            GatewayConfig.Underscores underscores = underscores(limits.get("underscores-in-headers"));
            int requestBuffer = (int) size(limits.get("request-buffer"), 64 * 1024, 0, 64 * 1024 * 1024);
            long minBodyRate = rate(limits.get("min-body-rate"), 1024);

            if (!errors().isEmpty()) {
                java.util.Collections.sort(errors()); // in file order, as the registry's are
                throw new InvalidConfigException(file.toString(), errors());
            }
            return new GatewayConfig(file, new GatewayConfig.Listen(http, https, proxyProtocol), tls,
                    new GatewayConfig.Http2(maxStreams), threads,
                    new GatewayConfig.Admin(adminListen, token), new GatewayConfig.RegistrySource(registryPath, watch, registryUrl, poll),
                    cacheSize, upstreams, new GatewayConfig.Block(mode, status, redirectUrl, page), ipForward,
                    new GatewayConfig.Timeouts(connect, response, idle, header, drain),
                    new GatewayConfig.Limits(maxHeader, maxConnections, underscores, requestBuffer, minBodyRate));
        }

        private Map<String, List<InetSocketAddress>> upstreams(Node node) {
            Map<String, List<InetSocketAddress>> result = new LinkedHashMap<>();
            if (node == null) {
                error(null, "upstreams is required (name -> list of host:port)");
                return null;
            }
            if (!(node instanceof MappingNode mapping)) {
                error(node, "upstreams must be a mapping of names to lists of host:port");
                return null;
            }
            for (NodeTuple tuple : mapping.getValue()) {
                String name = ((ScalarNode) tuple.getKeyNode()).getValue();
                Node value = tuple.getValueNode();
                List<Node> items = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (Node item : items) {
                    HostPort hp = hostPort(item);
                    if (hp == null) {
                        continue;
                    }
                    InetSocketAddress resolved = hp.resolve();
                    if (resolved.isUnresolved()) {
                        error(item, "upstream " + name + ": cannot resolve " + hp.host());
                    } else {
                        addresses.add(resolved);
                    }
                }
                if (items.isEmpty()) {
                    error(value, "upstream " + name + " needs at least one host:port");
                }
                result.put(name, List.copyOf(addresses));
            }
            return result;
        }

        /**
         * SPEC §7: an absolute http(s) URL whose only placeholders are {@code {host}} and {@code {reason}}; a
         * relative one would send every blocked client in a loop to the gateway itself.
         */
        private static String redirectProblem(String url) {
            if (!url.startsWith("http://") && !url.startsWith("https://") || url.length() <= url.indexOf("//") + 2) {
                return "must be an absolute http:// or https:// URL";
            }
            String rest = url.replace("{host}", "").replace("{reason}", "");
            if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
                return "may hold only the placeholders {host} and {reason}";
            }
            try {
                URI uri = new URI(url.replace("{host}", "h").replace("{reason}", "r"));
                return uri.getHost() == null ? "must name a host" : null;
            } catch (URISyntaxException e) {
                return "is not a valid URL (" + e.getReason() + ")";
            }
        }

        /** SPEC §4 {@code tls}: required with listen.https, refused without it. */
        private GatewayConfig.Tls tls(Node node, InetSocketAddress https, Node httpsNode) {
            if (node == null) {
                if (https != null) {
                    error(httpsNode, "listen.https needs a tls section with certificates (a folder of NAME.crt + NAME.key)");
                }
                return null;
            }
            Map<String, Node> tls = mapping(node, "tls", "certificates", "no-sni", "protocols");
            tls.forEach((key, value) -> keyPath(value, "tls." + key));
            if (https == null) {
                error(node, "tls is given but listen.https is not: say where HTTPS listens, or remove tls");
            }
            Path certificates = path(tls.get("certificates"), null);
            if (certificates == null) {
                error(node, "tls.certificates is required: a folder of NAME.crt (chain) + NAME.key (PKCS#8) pairs");
            } else if (!Files.isDirectory(certificates)) {
                error(tls.get("certificates"), "tls.certificates " + certificates + " is not a folder");
            }
            String noSni = value(tls.get("no-sni"), "refuse");
            if (!noSni.equals("refuse") && !noSni.equals("default")) {
                error(tls.get("no-sni"), "tls.no-sni must be refuse or default, not '" + noSni + "'");
            }
            List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
            Node protocolsNode = tls.get("protocols");
            if (protocolsNode != null) {
                List<String> given = new ArrayList<>();
                List<Node> items = sequence(protocolsNode, "tls.protocols");
                for (Node p : items) {
                    String v = value(p, "");
                    if (!v.equals("TLSv1.3") && !v.equals("TLSv1.2")) {
                        error(p, "tls.protocols may list TLSv1.3 and TLSv1.2 only, not '" + v + "'");
                    } else {
                        given.add(v);
                    }
                }
                if (items.isEmpty()) {
                    error(protocolsNode, "tls.protocols must list TLSv1.3, TLSv1.2 or both");
                } else if (!given.isEmpty()) {
                    protocols = List.copyOf(given);
                }
            }
            return new GatewayConfig.Tls(certificates, noSni.equals("default"), protocols);
        }

        private Map<String, Node> section(Map<String, Node> top, String key, String... allowed) {
            Node node = top.get(key);
            Map<String, Node> values = node == null ? Map.of() : mapping(node, key, allowed);
            values.forEach((name, value) -> keyPath(value, key + "." + name));
            return values;
        }

        /** {@code registry.url}: an absolute http(s) URL, or null when not given. */
        private URI registryUrl(Node node) {
            String v = value(node, null);
            if (v == null || v.isEmpty()) {
                return null;
            }
            try {
                URI uri = new URI(v);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                        && uri.getRawUserInfo() == null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            error(node, "expected an absolute http:// or https:// URL without user:password@, not '" + v + "'");
            return null;
        }

        private Map<String, Node> mapping(Node node, String what, String... allowed) {
            return mapping(node, List.of(allowed), what);
        }

        private GatewayConfig.Underscores underscores(Node node) {
            String v = value(node, "drop");
            return switch (v) {
                case "drop" -> GatewayConfig.Underscores.DROP;
                case "pass" -> GatewayConfig.Underscores.PASS;
                case "reject" -> GatewayConfig.Underscores.REJECT;
                default -> {
                    error(node, "limits.underscores-in-headers must be drop, pass or reject, not '" + v + "'");
                    yield GatewayConfig.Underscores.DROP;
                }
            };
        }

        private Path path(Node node, String def) {
            String v = value(node, def);
            return v == null ? null : folder.resolve(v).normalize();
        }

        private InetSocketAddress listenAddress(Node node, String def) {
            HostPort hp = node == null ? parseHostPort(def) : hostPort(node);
            if (hp == null) {
                return null;
            }
            InetSocketAddress a = hp.resolve();
            if (a.isUnresolved()) {
                error(node, "cannot resolve listen address " + hp.host());
                return null;
            }
            return a;
        }

        private HostPort hostPort(Node node) {
            String v = value(node, null);
            HostPort hp = v == null ? null : parseHostPort(v);
            if (hp == null) {
                error(node, "expected host:port (e.g. 127.0.0.1:3000 or [::1]:3000), not '" + v + "'");
            }
            return hp;
        }
    }

    /** {@code host:port} or {@code [v6]:port}; null when it is neither. */
    static HostPort parseHostPort(String v) {
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            return null;
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null;
        }
        try {
            int port = Integer.parseInt(v.substring(colon + 1));
            return port < 0 || port > 65535 || host.isEmpty() ? null : new HostPort(host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
