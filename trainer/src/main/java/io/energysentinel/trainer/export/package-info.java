/** ONNX export of trained models and the bundles (graph, manifest, golden vectors) serving loads. */
package io.energysentinel.trainer.export;
