package io.energysentinel.contract.records;

/**
 * Announces a new model bundle to the scoring job. Carries metadata only, never the bytes.
 *
 * @param modelId model line
 * @param modelVersion bundle version
 * @param uri where the bundle directory is, e.g. {@code file:///models/fashion-conv/v7}
 * @param sha256 expected SHA-256 of the bundle's ONNX file
 */
public record ModelUpdate(String modelId, String modelVersion, String uri, String sha256) implements java.io.Serializable {}
