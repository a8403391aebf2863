package dev.beian.gateway.logs;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.beian.gateway.proxy.AccessLog;

/**
 * The gateway's logging when no logback.xml is given (none beside gateway.yaml, no
 * {@code -Dlogback.configurationFile}): the same as the example {@code config/logback-example.xml}, built in
 * code. Logback's XML configurator costs some 0.4 s of a cold start, a third of a restart on a compiled
 * registry; and {@code BEIAN_LOG_FORMAT=json} works without copying a file anywhere.
 *
 * <p>Both appenders are asynchronous: event loops hand a line to a queue and go on, never waiting on a disk
 * or a terminal. Access lines are dropped under overload rather than slowing requests ({@code neverBlock});
 * the application log keeps everything.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = DefaultLogging.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the operator's file (or a test's) speaks
        }
        boolean json = "json".equalsIgnoreCase(System.getenv("BEIAN_LOG_FORMAT"));
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(json ? jsonEncoder(context) : textEncoder(context));
        console.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(async(context, "APP", console, 8192, false));
        Logger access = context.getLogger(AccessLog.LOGGER);
        access.setLevel(Level.INFO);
        access.setAdditive(false);
        access.addAppender(async(context, "ACCESS", console, 65536, true));
        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n");
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        FlatJsonEncoder encoder = new FlatJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private static AsyncAppender async(LoggerContext context, String name, ConsoleAppender<ILoggingEvent> to,
                                       int queueSize, boolean neverBlock) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(name);
        async.setQueueSize(queueSize);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(neverBlock);
        async.addAppender(to);
        async.start();
        return async;
    }
}
