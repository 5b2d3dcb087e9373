package io.energysentinel.alerts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Settings of the incidents application, one command-line option each (see {@code --help}).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param applicationId Kafka Streams application id (consumer group, internal topic prefix)
 * @param alertsTopic the scoring job's alerts topic
 * @param incidentsTopic where incidents go when no route matches
 * @param routes {@code prefix=topic} routing rules
 * @param mutesTopic compacted topic of {@link Mute}s keyed by source
 * @param deadLetterTopic where unreadable alerts go, with the reason
 * @param inactivityGap quiet time after which a source's incident ends
 * @param grace how late an alert may arrive and still join its incident
 * @param severity when an incident becomes critical
 * @param metricsPort Prometheus endpoint port, 0 for none
 * @param stateDir Kafka Streams state directory
 * @param replicationFactor copies of the application's internal topics (changelogs, repartition topics);
 *     -1 takes the broker's {@code default.replication.factor}
 */
public record IncidentsConfig(
        String bootstrapServers, String applicationId, String alertsTopic, String incidentsTopic, List<String> routes,
        String mutesTopic, String deadLetterTopic, Duration inactivityGap, Duration grace, SeverityPolicy severity,
        int metricsPort, Path stateDir, int replicationFactor) {

    public IncidentsConfig {
        routes = List.copyOf(routes);
        if (inactivityGap.isNegative() || inactivityGap.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("inactivity gap must be positive and grace not negative");
        }
        if (replicationFactor == 0 || replicationFactor < -1) {
            throw new IllegalArgumentException("replication factor must be positive, or -1 for the broker's default");
        }
    }

    /** The routing rules these settings describe. */
    public RoutingRules routing() {
        return new RoutingRules(routes, incidentsTopic);
    }

    /** Parses command-line options; a bad option throws {@link CommandLine.ParameterException}. */
    public static IncidentsConfig fromArgs(String... args) {
        Options o = new Options();
        new CommandLine(o).parseArgs(args);
        return o.toConfig();
    }

    /** The option definitions, for picocli and {@code --help}. */
    @Command(name = "energysentinel-incidents", mixinStandardHelpOptions = true,
            description = "Turns EnergySentinel alerts into incidents: grouping, suppression, muting, routing.")
    public static final class Options {
        @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).") String bootstrapServers;
        @Option(names = "--application-id", defaultValue = "energysentinel-incidents", description = "Kafka Streams application id (consumer group, internal topic prefix) (default ${DEFAULT-VALUE}).") String applicationId;
        @Option(names = "--alerts-topic", defaultValue = "energysentinel.alerts", description = "The scoring job's alerts topic (default ${DEFAULT-VALUE}).") String alertsTopic;
        @Option(names = "--incidents-topic", defaultValue = "energysentinel.incidents", description = "Incidents no route matches (default ${DEFAULT-VALUE}).") String incidentsTopic;
        @Option(names = "--route", description = "prefix=topic (repeatable): sources starting with prefix go to topic")
        List<String> routes = new ArrayList<>();
        @Option(names = "--mutes-topic", defaultValue = "energysentinel.incident-mutes", description = "Compacted topic of mutes keyed by source: {\"until\": epoch ms, \"reason\": text} (default ${DEFAULT-VALUE}).") String mutesTopic;
        @Option(names = "--dead-letter-topic", defaultValue = "energysentinel.incidents.dead-letters", description = "Unreadable alerts, with the reason (default ${DEFAULT-VALUE}).") String deadLetterTopic;
        @Option(names = "--inactivity-gap", defaultValue = "PT10M", description = "Quiet time that ends a source's incident (default ${DEFAULT-VALUE}).") Duration inactivityGap;
        @Option(names = "--grace", defaultValue = "PT1M", description = "How late an alert may arrive and still join its incident (default ${DEFAULT-VALUE}).") Duration grace;
        @Option(names = "--critical-alerts", defaultValue = "5", description = "Alerts that make an incident critical (default ${DEFAULT-VALUE}).") int criticalAlerts;
        @Option(names = "--critical-margin-ratio", defaultValue = "1.0", description = "(score - threshold) / |threshold| that makes an incident critical (default ${DEFAULT-VALUE}).") double criticalMarginRatio;
        @Option(names = "--metrics-port", defaultValue = "9465", description = "Prometheus endpoint port, 0 for none (default ${DEFAULT-VALUE}).") int metricsPort;
        @Option(names = "--replication-factor", defaultValue = "-1", description = "Copies of the internal changelog and repartition topics; -1 takes the broker's default.replication.factor. With exactly-once and min.insync.replicas 2, use at least 3 (default ${DEFAULT-VALUE}).") int replicationFactor;
        @Option(names = "--state-dir", defaultValue = "${java.io.tmpdir}/energysentinel-incidents", description = "Kafka Streams state directory (default ${DEFAULT-VALUE}).") Path stateDir;

        IncidentsConfig toConfig() {
            return new IncidentsConfig(bootstrapServers, applicationId, alertsTopic, incidentsTopic, routes, mutesTopic,
                    deadLetterTopic, inactivityGap, grace, new SeverityPolicy(criticalAlerts, criticalMarginRatio),
                    metricsPort, stateDir, replicationFactor);
        }
    }
}
