package io.energysentinel.contract.records;

/** Why a record went to the dead-letter topic. Also a metric tag: the set is fixed, so the tag stays bounded. */
public enum DeadLetterReason {
    /** Not valid UTF-8 or JSON, or not the record's schema. */
    UNPARSEABLE,
    /** Features or pixels do not match the model's input (missing, extra, wrong size or dimensions). */
    WRONG_SHAPE,
    /** A value outside the model's input range (e.g. a pixel outside [0, 1]), or an event time in the future. */
    OUT_OF_RANGE,
    /** A NaN or infinite value in the input. */
    NON_FINITE,
    /** Larger than the configured maximum (bytes, pixels or image sides). */
    OVERSIZED,
    /** The model failed on it. */
    SCORING_FAILED,
    /** The model gave a NaN or infinite score: such a record is neither normal nor scoreable. */
    NON_FINITE_SCORE,
    /** No model line of the job serves records of this kind. */
    NO_MODEL
}
