package io.energysentinel.alerts;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;

/**
 * Alerts in, incidents out:
 *
 * <ol>
 *   <li>parse each alert; unreadable ones go to the dead-letter topic with the reason;</li>
 *   <li>drop alerts of sources muted at the alert's event time (a global table of {@link Mute}s);</li>
 *   <li>group each source's alerts into sessions that end after the inactivity gap: one incident each;</li>
 *   <li>tell ops when an incident opens and when its severity rises, and suppress every other alert;</li>
 *   <li>emit the final incident as {@link IncidentStatus#RESOLVED} once its session can take no more alerts
 *       (stream time past its end, the gap and the grace; stream time moves with incoming alerts);</li>
 *   <li>route each incident to its team's topic, keyed by incident id.</li>
 * </ol>
 */
public final class IncidentTopology {
    /** Session store of running incidents; its changelog makes them survive restarts. */
    public static final String SESSIONS_STORE = "incident-sessions";

    private IncidentTopology() {}

    /** The topology for {@code config}, counting into {@code registry}. */
    public static Topology build(IncidentsConfig config, MeterRegistry registry) {
        SeverityPolicy policy = config.severity();
        RoutingRules routing = config.routing();
        IncidentMetrics metrics = new IncidentMetrics(registry, routing.topics());
        Serde<Alert> alertSerde = JsonSerde.of(Alert.class);
        Serde<IncidentState> stateSerde = JsonSerde.of(IncidentState.class);
        StreamsBuilder builder = new StreamsBuilder();

        GlobalKTable<String, Mute> mutes = builder.globalTable(config.mutesTopic(),
                Consumed.with(Serdes.String(), JsonSerde.of(Mute.class)).withName("mutes"),
                Materialized.<String, Mute, KeyValueStore<Bytes, byte[]>>as("mutes-store"));

        KStream<String, AlertParser.Parsed> parsed = builder
                .stream(config.alertsTopic(), Consumed.with(Serdes.String(), Serdes.String()).withName("alerts")
                        .withTimestampExtractor(new AlertEventTime()))
                .processValues(ParseAlert::new, Named.as("parse-alerts"));
        parsed.filter((k, p) -> p.deadLetter() != null, Named.as("unreadable"))
                .mapValues(AlertParser.Parsed::deadLetter, Named.as("dead-letter"))
                .peek((k, d) -> metrics.deadLetter(d.reason()), Named.as("count-dead-letters"))
                .to(config.deadLetterTopic(), Produced.with(Serdes.String(), JsonSerde.of(DeadLetter.class)).withName("dead-letters"));

        KStream<String, Alert> alerts = parsed.filter((k, p) -> p.alert() != null, Named.as("readable"))
                .mapValues(AlertParser.Parsed::alert, Named.as("alert"))
                .leftJoin(mutes, (k, alert) -> alert.source(), (alert, mute) -> {
                    if (mute != null && alert.eventTime() < mute.until()) {
                        metrics.muted();
                        return null;
                    }
                    return alert;
                }, Named.as("apply-mutes"))
                .filter((k, alert) -> alert != null, Named.as("unmuted"));

        // The job keys alerts by source (the parser refuses any other key), so grouping needs no repartition topic;
        // windows run on the alerts' event time (AlertEventTime).
        KTable<Windowed<String>, IncidentState> sessions = alerts
                .groupByKey(Grouped.with("alerts-by-source", Serdes.String(), alertSerde))
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(config.inactivityGap(), config.grace()))
                .aggregate(IncidentState::empty, (source, alert, state) -> state.add(alert, policy),
                        (source, a, b) -> a.merge(b, policy), Named.as("incidents"),
                        // Without caching every change reaches the filter below, so no opening is coalesced away.
                        Materialized.<String, IncidentState, SessionStore<Bytes, byte[]>>as(SESSIONS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(stateSerde).withCachingDisabled());

        KStream<String, Incident> news = sessions.toStream(Named.as("incident-changes"))
                .filter((w, state) -> {
                    if (state != null && !state.newsworthy()) {
                        metrics.suppressed();
                    }
                    return state != null && state.newsworthy();
                }, Named.as("suppress-repeats"))
                .map((w, state) -> incident(state, state.opening() ? IncidentStatus.OPENED : IncidentStatus.ESCALATED),
                        Named.as("opened-or-escalated"));
        KStream<String, Incident> resolved = sessions
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("until-incident-ends"))
                .toStream(Named.as("ended-incidents"))
                .filter((w, state) -> state != null, Named.as("not-merged-away"))
                .map((w, state) -> incident(state, IncidentStatus.RESOLVED), Named.as("resolved"));

        news.merge(resolved, Named.as("all-incidents"))
                .peek((id, incident) -> metrics.incident(incident, routing.topicFor(incident.source())), Named.as("count-incidents"))
                .to((id, incident, context) -> routing.topicFor(incident.source()),
                        Produced.with(Serdes.String(), JsonSerde.of(Incident.class)).withName("routed-incidents"));
        return builder.build();
    }

    private static KeyValue<String, Incident> incident(IncidentState state, IncidentStatus status) {
        Incident incident = Incident.of(state, status);
        return KeyValue.pair(incident.incidentId(), incident);
    }

    /** Parses with the record's origin at hand, for the dead letter. */
    private static final class ParseAlert extends ContextualFixedKeyProcessor<String, String, AlertParser.Parsed> {
        @Override
        public void process(FixedKeyRecord<String, String> record) {
            String origin = context().recordMetadata()
                    .map(m -> m.topic() + "/" + m.partition() + "@" + m.offset()).orElse("unknown");
            context().forward(record.withValue(AlertParser.parse(record.key(), record.value(), origin, System.currentTimeMillis())));
        }
    }
}
