/** Records on the wire: events and images in, alerts, scores, dead letters and model updates out. */
package io.energysentinel.contract.records;
