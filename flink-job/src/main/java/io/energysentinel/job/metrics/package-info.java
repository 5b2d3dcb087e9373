/** Micrometer metrics with one Prometheus endpoint per JVM that lives exactly as long as the operators using it. */
package io.energysentinel.job.metrics;
