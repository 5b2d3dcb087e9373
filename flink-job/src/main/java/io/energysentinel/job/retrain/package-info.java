/**
 * Periodic retraining: the scorer passes on the events it judged normal, a reservoir keeps a uniform sample
 * of each interval's, and an asynchronous operator fits a new event model on it, writes and verifies its
 * bundle and announces it on the model-updates topic, which the job itself reads and swaps in.
 */
package io.energysentinel.job.retrain;
