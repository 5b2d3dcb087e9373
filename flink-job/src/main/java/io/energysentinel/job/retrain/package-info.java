/**
 * Retraining that cannot learn anomalies: clean samples per source ({@code CleanSamples}), a reservoir per line, a
 * candidate fine-tuned from the serving bundle's anchor and judged before live traffic ({@code AsyncRetrainer},
 * {@code RetrainPolicy}), then shadow-scored beside the serving model and promoted, rejected or later reverted by
 * {@code ModelGate}; every decision is a model event with its numbers.
 */
package io.energysentinel.job.retrain;
