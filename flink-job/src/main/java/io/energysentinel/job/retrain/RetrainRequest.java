package io.energysentinel.job.retrain;

import java.util.List;

/**
 * Enough normal events of one model line to fit a new model on.
 *
 * @param modelId model line to retrain
 * @param featureNames feature names, in the order of each row
 * @param rows the sampled events
 * @param requestedAt processing time of the request, epoch milliseconds
 */
public record RetrainRequest(String modelId, List<String> featureNames, float[][] rows, long requestedAt)
        implements java.io.Serializable {}
