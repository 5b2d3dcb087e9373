package io.energysentinel.job.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A parsed record on its way to the scorer: the model's input vector, already in the model's order and checked
 * against its input spec by the parser, so nothing boxed or keyed by name crosses the shuffle or sits in state.
 *
 * @param id record id
 * @param source record source; alert episodes are per source
 * @param eventTime event time, epoch milliseconds
 * @param kind {@code event} or {@code image}
 * @param values event features in the model's feature order, or grey image pixels in [0, 1], row-major
 * @param origin where it came from (topic/partition@offset or file:line), for dead letters
 * @param raw the record's bytes as they arrived, so a dead letter raised at scoring keeps the record itself
 */
@TypeInfo(ScoringInputTypeInfo.Factory.class)
public record ScoringInput(String id, String source, long eventTime, String kind, float[] values, String origin, byte[] raw) {
    /** Record kind of metric events. */
    public static final String EVENT = "event";
    /** Record kind of images. */
    public static final String IMAGE = "image";
}
