package io.energysentinel.contract.records;

/** Why a record went to the dead-letter topic. Also a metric tag. */
public enum DeadLetterReason {
    /** Not valid JSON, or not the record's schema. */
    UNPARSEABLE,
    /** Features or pixels do not match the model's input (missing, extra, wrong size). */
    WRONG_SHAPE,
    /** A value outside the model's input range (e.g. a pixel outside [0, 1]). */
    OUT_OF_RANGE,
    /** A NaN or infinite value. */
    NON_FINITE,
    /** Larger than the configured maximum (bytes or pixels). */
    OVERSIZED,
    /** The model failed on it. */
    SCORING_FAILED
}
