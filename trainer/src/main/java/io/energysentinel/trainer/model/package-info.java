/** Energy networks, described by a layer spec that both DJL (training) and the ONNX exporter read. */
package io.energysentinel.trainer.model;
