/** The model contract: what the trainer writes and the scorer reads, defined once. */
package io.energysentinel.contract;
