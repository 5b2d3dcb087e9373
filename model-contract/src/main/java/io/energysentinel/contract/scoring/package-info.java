/** Scoring with ONNX Runtime: one session per model file, fixed batch shapes, CUDA or CPU. */
package io.energysentinel.contract.scoring;
