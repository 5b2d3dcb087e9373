/** Offline training of energy models on DJL's PyTorch engine. */
package io.energysentinel.trainer;
