/** Toy densities with known log-density and exact sampling, for known-answer tests of samplers and objectives. */
package io.energysentinel.trainer.toy;
