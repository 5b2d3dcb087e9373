/**
 * End-to-end training and evaluation runs over the real data sets, as the CLI and the scoring job use them, and
 * known-answer runs on toy densities.
 */
package io.energysentinel.trainer.pipeline;
