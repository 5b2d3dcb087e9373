/** The Flink scoring job: Kafka in, micro-batched ONNX Runtime scoring, energy alerts out. */
package io.energysentinel.job;
