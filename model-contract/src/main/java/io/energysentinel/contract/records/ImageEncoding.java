package io.energysentinel.contract.records;

/** How an {@link ImageRecord} carries its pixels. */
public enum ImageEncoding {
    /** Unsigned grey bytes, row-major, as in IDX files; scaled by 1/255. */
    RAW_U8,
    /** A PNG file; converted to grey. */
    PNG,
    /** Floats in [0, 1], row-major. */
    FLOATS
}
