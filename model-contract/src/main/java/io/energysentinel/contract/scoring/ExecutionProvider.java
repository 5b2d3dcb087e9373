package io.energysentinel.contract.scoring;

/** Where ONNX Runtime runs the graph. */
public enum ExecutionProvider {
    /** ONNX Runtime's CPU kernels. */
    CPU,
    /** The CUDA execution provider; needs the {@code gpu} Maven profile and a GPU, else falls back to CPU. */
    CUDA
}
