package io.energysentinel.job.retrain;

import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.job.model.ModelEvent;

/**
 * What one retraining produced: always a verdict for the model-events output, and, when the candidate passed its checks
 * before live traffic, its announcement for shadow scoring.
 *
 * @param verdict {@link ModelEvent#CANDIDATE} or {@link ModelEvent#REJECTED}, with the numbers
 * @param shadow the candidate at stage {@code SHADOW}, or {@code null}
 */
public record RetrainOutcome(ModelEvent verdict, ModelUpdate shadow) implements java.io.Serializable {}
