package io.energysentinel.trainer.data;

/** Kinds of anomaly the synthetic event stream injects, each a label in the generated data. */
public enum AnomalyKind {
    /** One metric jumps to several times its value for one to three events. */
    SPIKE,
    /** One metric moves to a new level, several standard deviations away, for an episode. */
    LEVEL_SHIFT,
    /** One metric freezes at its last value while the others move on. */
    STUCK_SENSOR,
    /** CPU stops following load: high CPU at low traffic. */
    CORRELATION_BREAK,
    /** One metric creeps away from normal a little more each event. */
    DRIFT
}
