package dev.beian.gateway;

import dev.beian.gateway.net.Transport;
import dev.beian.decision.Decider;
import dev.beian.gateway.admin.Json;
import dev.beian.gateway.admin.LookupView;
import dev.beian.gateway.config.ConfigError;
import dev.beian.gateway.config.ConfigLoader;
import dev.beian.gateway.config.GatewayConfig;
import dev.beian.gateway.config.InvalidConfigException;
import dev.beian.gateway.demo.SampleApp;
import dev.beian.gateway.net.HttpListener;
import dev.beian.registry.InvalidRegistryException;
import dev.beian.registry.Registry;
import dev.beian.registry.RegistryError;
import dev.beian.registry.RegistryLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * The command line of SPEC §3. Exit codes: 0 success, 1 invalid configuration or registry (errors printed
 * as {@code file:line:column: message}), 2 wrong usage.
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
            """;

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        if (code != OK || args.length > 0 && (args[0].equals("validate") || args[0].equals("lookup")
                || args[0].equals("--help") || args[0].equals("-h"))) {
            System.exit(code);
        }
    }

    /** Runs a command; for the serving commands, returns only when the gateway has stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = "serve";
        Path config = null;
        boolean demo = false;
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("--config needs a file\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    config = Path.of(args[++i]);
                }
                case "--demo" -> demo = true;
                case "--help", "-h" -> {
                    out.print(USAGE_TEXT);
                    return OK;
                }
                case "validate", "lookup" -> {
                    if (i == 0) {
                        command = a;
                    } else {
                        operands.add(a);
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        err.println("unknown option " + a + "\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    operands.add(a);
                }
            }
        }
        switch (command) {
            case "validate":
                if (operands.size() != 1 || demo) {
                    err.print("validate takes one registry file\n" + USAGE_TEXT);
                    return USAGE;
                }
                return validate(Path.of(operands.get(0)), config, out, err);
            case "lookup":
                if (operands.isEmpty() || demo) {
                    err.print("lookup takes one or more hosts\n" + USAGE_TEXT);
                    return USAGE;
                }
                return lookup(configPath(config), operands, out, err);
            default:
                if (!operands.isEmpty()) {
                    err.print("unexpected " + operands.get(0) + "\n" + USAGE_TEXT);
                    return USAGE;
                }
                return serve(configPath(config), demo, err);
        }
    }

    private static Path configPath(Path given) {
        Path config = given != null ? given : Path.of("config", "gateway.yaml");
        // logback.xml beside gateway.yaml wins over the one in the jar; set before the first logger exists
        Path logback = config.toAbsolutePath().resolveSibling("logback.xml");
        if (System.getProperty("logback.configurationFile") == null && java.nio.file.Files.isReadable(logback)) {
            System.setProperty("logback.configurationFile", logback.toString());
        }
        return config;
    }

    private static GatewayConfig loadConfig(Path file, PrintStream err) {
        try {
            return new ConfigLoader().load(file);
        } catch (InvalidConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error.format(file.toString()));
            }
        } catch (NoSuchFileException e) {
            err.println(file + ": no such file");
        } catch (IOException e) {
            err.println(file + ": " + e.getMessage());
        }
        return null;
    }

    private static void printRegistryErrors(Path file, InvalidRegistryException e, PrintStream err) {
        for (RegistryError error : e.errors()) {
            err.println(error.format(file.toString()));
        }
    }

    static int validate(Path registryFile, Path configFile, PrintStream out, PrintStream err) {
        java.util.Set<String> upstreams = null;
        if (configFile != null) {
            GatewayConfig config = loadConfig(configFile, err);
            if (config == null) {
                return INVALID;
            }
            upstreams = config.upstreams().keySet();
        }
        try {
            Registry r = new RegistryLoader(upstreams, Clock.systemUTC()).load(registryFile);
            out.println(registryFile + ": valid: " + r.subjectCount() + " subjects, " + r.websiteCount()
                    + " websites, " + r.domainCount() + " domains"
                    + (upstreams == null ? " (upstream names not checked: give --config)" : ""));
            return OK;
        } catch (InvalidRegistryException e) {
            printRegistryErrors(registryFile, e, err);
            return INVALID;
        } catch (NoSuchFileException e) {
            err.println(registryFile + ": no such file");
            return INVALID;
        } catch (IOException e) {
            err.println(registryFile + ": " + e.getMessage());
            return INVALID;
        }
    }

    static int lookup(Path configFile, List<String> hosts, PrintStream out, PrintStream err) {
        GatewayConfig config = loadConfig(configFile, err);
        if (config == null) {
            return INVALID;
        }
        Registry registry;
        try {
            registry = new RegistryLoader(config.upstreams().keySet(), Clock.systemUTC()).load(config.registry().path());
        } catch (InvalidRegistryException e) {
            printRegistryErrors(config.registry().path(), e, err);
            return INVALID;
        } catch (IOException e) {
            err.println(config.registry().path() + ": " + e.getMessage());
            return INVALID;
        }
        Decider decider = new Decider(Clock.systemUTC(), 0, config.ipHostsForward());
        for (String host : hosts) {
            out.println(Json.write(LookupView.of(host, decider.decideUncached(registry, host,
                    System.currentTimeMillis()))));
        }
        return OK;
    }

    static int serve(Path configFile, boolean demo, PrintStream err) {
        GatewayConfig config = loadConfig(configFile, err);
        if (config == null) {
            return INVALID;
        }
        HttpListener app = null;
        if (demo) {
            InetSocketAddress address = config.upstreams().getOrDefault("default", List.of()).stream()
                    .findFirst().orElse(null);
            if (address == null || !address.getAddress().isLoopbackAddress()) {
                err.println("--demo needs upstream default on a loopback address (it is " + address + ")");
                return USAGE;
            }
            try {
                app = SampleApp.start(address, Transport.select());
                err.println("sample app listening on " + app.address());
            } catch (Exception e) {
                err.println("--demo: cannot start the sample app on " + address + ": " + e.getMessage());
                return INVALID;
            }
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config, Clock.systemUTC());
        } catch (InvalidRegistryException e) {
            printRegistryErrors(config.registry().path(), e, err);
            closeQuietly(app);
            return INVALID;
        } catch (NoSuchFileException e) {
            err.println(config.registry().path() + ": no such file");
            closeQuietly(app);
            return INVALID;
        } catch (Exception e) {
            err.println("cannot start: " + e);
            closeQuietly(app);
            return INVALID;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        HttpListener demoApp = app;
        Signal.handle(new Signal("HUP"), s -> gateway.registry().reloadAsync("SIGHUP"));
        Signal.handle(new Signal("TERM"), s -> new Thread(() -> {
            gateway.drainAndStop();
            closeQuietly(demoApp);
            stopped.countDown();
        }, "drain").start());
        Signal.handle(new Signal("INT"), s -> new Thread(() -> {
            gateway.close();
            closeQuietly(demoApp);
            stopped.countDown();
        }, "stop").start());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(OK);
        return OK;
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
