/** Bernoulli restricted Boltzmann machines: CD-1 training, exact partition function by enumeration, and AIS. */
package io.energysentinel.trainer.rbm;
