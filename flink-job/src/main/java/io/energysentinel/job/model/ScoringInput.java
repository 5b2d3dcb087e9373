package io.energysentinel.job.model;

import java.util.Map;

/**
 * A parsed record on its way to the scorer: named features (events) or grey pixels in [0, 1] (images).
 *
 * @param id record id
 * @param source record source; alert episodes are per source
 * @param eventTime event time, epoch milliseconds
 * @param kind {@code event} or {@code image}
 * @param features event features by name, or {@code null} for images
 * @param pixels image pixels, or {@code null} for events
 * @param origin where it came from (topic/partition@offset or file:line), for dead letters
 * @param raw the record's bytes as they arrived, so a dead letter raised at scoring keeps the record itself
 */
public record ScoringInput(String id, String source, long eventTime, String kind, Map<String, Double> features,
                           float[] pixels, String origin, byte[] raw) {
    /** Record kind of metric events. */
    public static final String EVENT = "event";
    /** Record kind of images. */
    public static final String IMAGE = "image";
}
