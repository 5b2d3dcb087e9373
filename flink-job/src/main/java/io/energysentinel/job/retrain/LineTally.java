package io.energysentinel.job.retrain;

import io.energysentinel.contract.records.ModelUpdate;

/**
 * What one scorer flush saw of one model line (events or images), for the {@link ModelGate}: records and alerts of the serving
 * model, and, while a candidate is shadow-scored, how the two compared.
 *
 * @param modelId model line
 * @param serving the serving model, as the update that would announce it again
 * @param calibratedFpr the FPR the serving threshold was calibrated for
 * @param records records scored
 * @param anomalous records above the serving threshold
 * @param candidate the shadow-scored candidate, or {@code null}
 * @param candidateFpr the FPR the candidate's threshold was calibrated for (0 without one)
 * @param shadow the comparison, {@link ShadowTally#EMPTY} without a candidate
 */
public record LineTally(String modelId, ModelUpdate serving, double calibratedFpr, long records, long anomalous, ModelUpdate candidate,
                        double candidateFpr, ShadowTally shadow) implements java.io.Serializable {}
