package io.energysentinel.job.retrain;

import java.util.List;

/**
 * Enough clean normal records (events or images) of one model line to fine-tune a candidate on.
 *
 * @param modelId model line to retrain
 * @param servingUri the bundle serving when the last row was scored: its anchor is what the candidate starts from
 * @param featureNames feature names, in the order of each row
 * @param rows the sampled records
 * @param requestedAt processing time of the request, epoch milliseconds
 */
public record RetrainRequest(String modelId, String servingUri, List<String> featureNames, float[][] rows, long requestedAt)
        implements java.io.Serializable {}
