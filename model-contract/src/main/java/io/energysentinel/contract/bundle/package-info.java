/** Model bundles: the ONNX file, its manifest and golden vectors, as handed from trainer to serving. */
package io.energysentinel.contract.bundle;
