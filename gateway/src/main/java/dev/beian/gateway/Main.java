package dev.beian.gateway;

import dev.beian.decision.Decider;
import dev.beian.decision.Decision;
import dev.beian.gateway.admin.Json;
import dev.beian.gateway.admin.LookupView;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.config.InvalidConfigException;
import dev.beian.gateway.demo.DemoCertificate;
import dev.beian.gateway.demo.SampleApp;
import dev.beian.gateway.metrics.BuildInfo;
import dev.beian.gateway.net.HttpListener;
import dev.beian.gateway.net.Transport;
import dev.beian.gateway.tls.InvalidCertificatesException;
import dev.beian.registry.InvalidRegistryException;
import dev.beian.registry.Registry;
import dev.beian.registry.RegistryLoader;
import dev.beian.yaml.YamlError;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The command line of SPEC §3. Exit codes: 0 success, 1 invalid configuration or registry (errors printed
 * as {@code file:line:column: message}), 2 wrong usage. Every failure of every command takes one path: a
 * {@link Failure} with its exit code and lines, printed once by {@link #run}.
 */
public final class Main {
    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: java -jar beian-gateway.jar [--config FILE]            serve (FILE defaults to config/gateway.yaml)
                   java -jar beian-gateway.jar --demo [--config FILE]     serve, plus a sample app on upstream default
                   java -jar beian-gateway.jar validate [--config FILE] REGISTRY.yaml
                   java -jar beian-gateway.jar lookup [--config FILE] HOST...
                   java -jar beian-gateway.jar --version | --help
            options:  --config FILE, --config=FILE   gateway.yaml (before or after the command word)
            exit:     0 success, 1 invalid configuration, registry or host (errors printed), 2 wrong usage
            signals:  SIGTERM, SIGINT: drain (requests in flight finish, up to timeouts.drain) and exit 0
                      SIGHUP: reload the registry
            env:      ${NAME} in gateway.yaml (BEIAN_ADMIN_TOKEN in the bundled one); BEIAN_LOG_FORMAT=json
            """;

    /** A command that failed: its exit code and the lines that say why. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;
        final transient List<String> lines;

        Failure(int code, List<String> lines) {
            super(String.join("\n", lines), null, false, false);
            this.code = code;
            this.lines = lines;
        }

        static Failure usage(String problem) {
            return new Failure(USAGE, List.of(problem, USAGE_TEXT.stripTrailing()));
        }

        /** What went wrong reading {@code file}, as {@code file:line:column: message} lines where it can. */
        static Failure of(Path file, Exception e) {
            List<YamlError> errors = e instanceof InvalidConfigException c ? c.errors()
                    : e instanceof InvalidRegistryException r ? r.errors() : List.of();
            if (!errors.isEmpty()) {
                return new Failure(INVALID, errors.stream().map(error -> error.format(file.toString())).toList());
            }
            String why = e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
            return new Failure(INVALID, List.of(file + ": " + why));
        }
    }

    /** The command line, parsed. */
    record Command(String name, Path config, boolean demo, List<String> operands) {
    }

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs a command; for the serving commands, returns only when the gateway has stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Command command = parse(args);
            return switch (command.name()) {
                case "help" -> print(out, USAGE_TEXT.stripTrailing());
                case "version" -> print(out, "beian-gateway " + BuildInfo.version());
                case "validate" -> validate(command, out);
                case "lookup" -> lookup(command, out);
                default -> serve(command, err);
            };
        } catch (Failure f) {
            f.lines.forEach(err::println);
            return f.code;
        }
    }

    private static int print(PrintStream out, String text) {
        out.println(text);
        return OK;
    }

    static Command parse(String[] args) throws Failure {
        String name = "serve";
        Path config = null;
        boolean demo = false;
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw Failure.usage("--config needs a file");
                }
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                config = Path.of(a.substring("--config=".length()));
            } else if (a.equals("--demo")) {
                demo = true;
            } else if (a.equals("--help") || a.equals("-h")) {
                return new Command("help", null, false, List.of());
            } else if (a.equals("--version")) {
                return new Command("version", null, false, List.of());
            } else if ((a.equals("validate") || a.equals("lookup")) && name.equals("serve") && operands.isEmpty()) {
                name = a;
            } else if (a.startsWith("-")) {
                throw Failure.usage("unknown option " + a);
            } else {
                operands.add(a);
            }
        }
        if (name.equals("validate") && (operands.size() != 1 || demo)) {
            throw Failure.usage("validate takes one registry file");
        }
        if (name.equals("lookup") && (operands.isEmpty() || demo)) {
            throw Failure.usage("lookup takes one or more hosts");
        }
        if (name.equals("serve") && !operands.isEmpty()) {
            throw Failure.usage("unexpected " + operands.get(0));
        }
        return new Command(name, config, demo, List.copyOf(operands));
    }

    /** gateway.yaml: the given one or config/gateway.yaml; a logback.xml beside it configures logging. */
    private static Path configPath(Path given) {
        Path config = given != null ? given : Path.of("config", "gateway.yaml");
        // logback.xml beside gateway.yaml wins over the built-in DefaultLogging; set before the first logger exists
        Path logback = config.toAbsolutePath().resolveSibling("logback.xml");
        if (System.getProperty("logback.configurationFile") == null && Files.isReadable(logback)) {
            System.setProperty("logback.configurationFile", logback.toString());
        }
        return config;
    }

    private static GatewayConfig loadConfig(Path file) throws Failure {
        try {
            return new ConfigLoader().load(file);
        } catch (InvalidConfigException | IOException e) {
            throw Failure.of(file, e);
        }
    }

    private static Registry loadRegistry(Path file, Set<String> upstreams) throws Failure {
        return loadRegistry(file, upstreams, file);
    }

    /**
     * {@code served}: the registry path whose compiled form (kept by a gateway that serves it) the file is
     * read against: only the subjects that differ from it are parsed, and the result is the same as a full
     * parse (any error takes the full parse). A new version of a served million-domain registry validates
     * in a second or two instead of ten.
     */
    private static Registry loadRegistry(Path file, Set<String> upstreams, Path served) throws Failure {
        ForkJoinPool pieces = RegistryStart.everyCore();
        try {
            RegistryLoader loader = new RegistryLoader(upstreams, Clock.systemUTC(), pieces);
            Path compiled = RegistryStart.compiledLocation(served);
            Registry previous = compiled == null ? null : loader.openCompiled(compiled);
            return loader.parse(Files.readAllBytes(file), file, previous);
        } catch (InvalidRegistryException | IOException e) {
            throw Failure.of(file, e);
        } finally {
            pieces.shutdown();
        }
    }

    static int validate(Command command, PrintStream out) throws Failure {
        Set<String> upstreams = command.config() == null ? null : loadConfig(command.config()).upstreams().keySet();
        Path file = Path.of(command.operands().get(0));
        Registry r = loadRegistry(file, upstreams,
                command.config() == null ? file : loadConfig(command.config()).registry().path());
        out.println(file + ": valid: " + r.subjectCount() + " subjects, " + r.websiteCount() + " websites, "
                + r.domainCount() + " domains" + (upstreams == null ? " (upstream names not checked: give --config)" : ""));
        return OK;
    }

    /** Each host's decision as {@code /lookup} gives it, one JSON object a line; exit 1 when any is invalid. */
    static int lookup(Command command, PrintStream out) throws Failure {
        GatewayConfig config = loadConfig(configPath(command.config()));
        Registry registry = loadRegistry(config.registry().path(), config.upstreams().keySet());
        Decider decider = new Decider(Clock.systemUTC(), 0, config.ipHostsForward());
        int code = OK;
        for (String host : command.operands()) {
            Decision decision = decider.decideUncached(registry, host, System.currentTimeMillis());
            out.println(Json.write(LookupView.of(host, decision)));
            if (decision.verdict() == Decision.Verdict.INVALID_HOST) {
                code = INVALID;
            }
        }
        return code;
    }

    static int serve(Command command, PrintStream err) throws Failure {
        GatewayConfig loaded = loadConfig(configPath(command.config()));
        GatewayConfig config = command.demo() ? withDemoHttps(loaded, err) : loaded;
        HttpListener app = command.demo() ? startDemoApp(config, err) : null;
        Gateway gateway;
        try {
            gateway = Gateway.start(config, Clock.systemUTC());
        } catch (Exception e) {
            closeQuietly(app);
            if (e instanceof InvalidRegistryException || e instanceof IOException && !(e instanceof java.net.BindException)) {
                throw Failure.of(config.registry().path(), e);
            }
            if (e instanceof InvalidCertificatesException c) {
                throw new Failure(INVALID, c.errors());
            }
            throw new Failure(INVALID, List.of("cannot start: " + e.getMessage()));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean draining = new AtomicBoolean();
        Runnable drain = () -> {
            if (!draining.compareAndSet(false, true)) {
                // one drain and one "stopped" line (SPEC §3), however many signals come; SIGKILL stops at once
                LoggerFactory.getLogger(Gateway.class).info("already draining; the signal changes nothing");
                return;
            }
            new Thread(() -> {
                gateway.drainAndStop();
                closeQuietly(app);
                stopped.countDown();
            }, "drain").start();
        };
        Signal.handle(new Signal("TERM"), s -> drain.run());
        Signal.handle(new Signal("INT"), s -> drain.run());
        SignalHandler before = Signal.handle(new Signal("HUP"), s -> gateway.registry().reloadAsync("SIGHUP"));
        if (before == SignalHandler.SIG_IGN) { // started under nohup: whoever did that wants HUP ignored
            Signal.handle(new Signal("HUP"), SignalHandler.SIG_IGN);
            err.println("SIGHUP is ignored by this process (nohup?): SIGHUP reloads are off; use POST /reload");
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
            logs.stop(); // the asynchronous appenders write out what they hold, the "stopped" line last
        }
        return OK;
    }

    /**
     * Without {@code listen.https} in the config, {@code --demo} serves HTTPS on 127.0.0.1:8443 too, with a
     * self-signed certificate made now for the registry's filed domains.
     */
    private static GatewayConfig withDemoHttps(GatewayConfig config, PrintStream err) throws Failure {
        if (config.listen().https() != null) {
            return config;
        }
        Registry registry = loadRegistry(config.registry().path(), config.upstreams().keySet());
        List<String> domains = new ArrayList<>();
        for (int d = 0; d < registry.domainCount(); d++) {
            domains.add(registry.domains().domain(d));
        }
        if (domains.isEmpty()) {
            return config;
        }
        try {
            Path certificates = DemoCertificate.make(domains);
            InetSocketAddress https = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);
            err.println("--demo: HTTPS on " + https + " with a self-signed certificate for " + domains
                    + " (curl -k --resolve www.example.cn:8443:127.0.0.1 https://www.example.cn:8443/)");
            return new GatewayConfig(config.file(),
                    new GatewayConfig.Listen(config.listen().http(), https, config.listen().proxyProtocol()),
                    new GatewayConfig.Tls(certificates, false, List.of("TLSv1.3", "TLSv1.2")), config.http2(),
                    config.threads(), config.admin(), config.registry(), config.cacheMaximumSize(), config.upstreams(),
                    config.block(), config.ipHostsForward(), config.timeouts(), config.limits());
        } catch (IOException | InterruptedException e) {
            err.println("--demo: no HTTPS (" + e.getMessage() + ")");
            return config;
        }
    }

    /** The --demo app on upstream default's loopback address. */
    private static HttpListener startDemoApp(GatewayConfig config, PrintStream err) throws Failure {
        InetSocketAddress address = config.upstreams().getOrDefault("default", List.of()).stream()
                .findFirst().orElse(null);
        if (address == null || !address.getAddress().isLoopbackAddress()) {
            throw new Failure(USAGE, List.of("--demo needs upstream default on a loopback address (it is " + address + ")"));
        }
        try {
            HttpListener app = SampleApp.start(address, Transport.select());
            err.println("sample app listening on " + app.address());
            return app;
        } catch (Exception e) {
            throw new Failure(INVALID, List.of("--demo: cannot start the sample app on " + address + ": " + e.getMessage()));
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }
}
