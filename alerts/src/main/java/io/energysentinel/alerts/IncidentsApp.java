package io.energysentinel.alerts;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import picocli.CommandLine;

/**
 * Runs the incident topology against Kafka until stopped, with a Prometheus endpoint for its counters and
 * Kafka Streams' own metrics.
 */
public final class IncidentsApp implements AutoCloseable {
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final KafkaStreamsMetrics streamsMetrics;
    private final HTTPServer server;

    private IncidentsApp(IncidentsConfig config) throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        streams = new KafkaStreams(IncidentTopology.build(config, registry), properties(config));
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        server = config.metricsPort() > 0
                ? HTTPServer.builder().port(config.metricsPort()).registry(registry.getPrometheusRegistry()).buildAndStart()
                : null;
    }

    /** Starts the application; {@link #close()} stops it and its endpoint. */
    public static IncidentsApp start(IncidentsConfig config) throws IOException {
        IncidentsApp app = new IncidentsApp(config);
        app.streams.start();
        return app;
    }

    /**
     * Kafka Streams settings: exactly-once, internal topics with the configured replication factor, and a
     * corrupt mute record is logged and skipped, not fatal.
     */
    static Properties properties(IncidentsConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        return p;
    }

    /** Current state of the Kafka Streams client. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The registry the counters are in. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        streams.close();
        streamsMetrics.close();
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    /** Runs until the JVM is asked to stop. */
    public static void main(String[] args) throws Exception {
        IncidentsConfig.Options options = new IncidentsConfig.Options();
        CommandLine cli = new CommandLine(options);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            cli.usage(System.err);
            System.exit(2);
            return;
        }
        if (CommandLine.printHelpIfRequested(cli.getParseResult())) {
            return;
        }
        IncidentsConfig config = options.toConfig();
        CountDownLatch stopped = new CountDownLatch(1);
        IncidentsApp app = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "incidents-shutdown"));
        stopped.await();
    }
}
