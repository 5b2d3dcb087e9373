package io.energysentinel.job.retrain;

/**
 * Counts of a candidate's shadow scores against the serving model's on the same records.
 *
 * @param records records both scored
 * @param servingNormal records the serving model judged normal
 * @param candidateOnly records only the candidate flagged
 * @param servingOnly records only the serving model flagged
 * @param bothAnomalous records both flagged
 */
public record ShadowTally(long records, long servingNormal, long candidateOnly, long servingOnly, long bothAnomalous)
        implements java.io.Serializable {
    /** Nothing counted yet. */
    public static final ShadowTally EMPTY = new ShadowTally(0, 0, 0, 0, 0);

    /** This tally plus {@code other}. */
    public ShadowTally plus(ShadowTally other) {
        return new ShadowTally(records + other.records, servingNormal + other.servingNormal, candidateOnly + other.candidateOnly,
                servingOnly + other.servingOnly, bothAnomalous + other.bothAnomalous);
    }
}
