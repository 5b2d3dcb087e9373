package io.energysentinel.trainer.export;

/** The model holds a layer or block the exporter has no ONNX mapping for. */
public class UnsupportedLayerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedLayerException(String message) {
        super(message);
    }
}
