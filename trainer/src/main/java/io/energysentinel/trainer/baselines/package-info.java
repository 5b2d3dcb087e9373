/** The detectors an operations team would reach for instead of an energy model, as baselines for evaluate-events. */
package io.energysentinel.trainer.baselines;
