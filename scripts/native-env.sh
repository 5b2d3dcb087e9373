# Sourced by every script that runs DJL's PyTorch engine (the trainer, the demo, the benchmarks).
# libtorch 2.7.1's oneDNN picks AVX-512 convolution kernels where the CPU has them; on AMD Zen 5 (EPYC family 26)
# their backward pass wrote NaN or garbage into dE/dx whenever the weights were frozen, so every SGLD chain
# diverged at its first step. Capping oneDNN at AVX2 gives exact gradients; a caller may still override it.
export ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX2}"
