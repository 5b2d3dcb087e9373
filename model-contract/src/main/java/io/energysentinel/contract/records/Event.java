package io.energysentinel.contract.records;

import java.util.Map;

/**
 * A numeric metric event, one JSON object per Kafka message.
 *
 * @param id unique id of the event, carried into alerts
 * @param source what emitted it (host, sensor, service); alerts are per source
 * @param eventTime event time, epoch milliseconds
 * @param features named numeric metrics; names must match the model's feature names
 */
public record Event(String id, String source, long eventTime, Map<String, Double> features) implements java.io.Serializable {}
