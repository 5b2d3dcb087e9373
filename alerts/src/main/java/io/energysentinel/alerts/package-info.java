/**
 * The incidents application: a Kafka Streams topology that turns the scoring job's raw alerts into incidents
 * for ops tools — grouped per source into sessions, repeated alerts suppressed, muted sources dropped,
 * routed to the topic of the team that owns the source.
 */
package io.energysentinel.alerts;
