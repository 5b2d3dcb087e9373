/** Evaluation: OOD metrics, corrupted and noise sets, calibration, and the report with its pictures. */
package io.energysentinel.trainer.evaluation;
