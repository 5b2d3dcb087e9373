/** The trainer's command line: train, evaluate, sample, export, generate-events. */
package io.energysentinel.trainer.cli;
