package io.energysentinel.job.functions;

import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.model.ScoringInput;
import org.apache.flink.util.OutputTag;

/** The job's one dead-letter side output, and the dead letters it carries: built from the record's own bytes. */
public final class DeadLetters {
    /** Side output of records that cannot be scored, from every operator that refuses records. */
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters") { };

    private DeadLetters() {}

    /** The dead letter of a record refused before parsing succeeded. */
    public static DeadLetter of(RawRecord raw, DeadLetterReason reason, String detail) {
        return DeadLetter.of(reason, detail, raw.origin(), raw.payload(), System.currentTimeMillis());
    }

    /** The dead letter of a parsed record refused at scoring; it keeps the record as it arrived. */
    public static DeadLetter of(ScoringInput input, DeadLetterReason reason, String detail) {
        return DeadLetter.of(reason, detail, input.origin(), input.raw(), System.currentTimeMillis());
    }
}
