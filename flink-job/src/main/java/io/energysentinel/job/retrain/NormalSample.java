package io.energysentinel.job.retrain;

import java.util.List;

/**
 * One event the serving model scored at or below its threshold, in the model's input order.
 *
 * @param modelId model line that judged it
 * @param featureNames feature names, in the order of {@code values}
 * @param values the event's features
 */
public record NormalSample(String modelId, List<String> featureNames, float[] values) implements java.io.Serializable {}
