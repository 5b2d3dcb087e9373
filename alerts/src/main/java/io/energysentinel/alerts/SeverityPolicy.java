package io.energysentinel.alerts;

/**
 * When an incident becomes {@link Severity#CRITICAL}: after {@code criticalAlerts} alerts in one incident, or
 * as soon as one alert's score is {@code criticalMarginRatio} times its threshold's magnitude above the
 * threshold (energies and Mahalanobis distances have no common scale, so the margin is taken relative).
 *
 * @param criticalAlerts alert count that makes an incident critical
 * @param criticalMarginRatio {@code margin / |threshold|} that makes an incident critical
 */
public record SeverityPolicy(int criticalAlerts, double criticalMarginRatio) implements java.io.Serializable {
    public SeverityPolicy {
        if (criticalAlerts < 1 || !(criticalMarginRatio > 0)) {
            throw new IllegalArgumentException("critical alerts must be >= 1 and the margin ratio > 0");
        }
    }

    /** The severity of an incident with {@code alerts} alerts whose largest relative margin is {@code marginRatio}. */
    public Severity classify(int alerts, double marginRatio) {
        return alerts >= criticalAlerts || marginRatio >= criticalMarginRatio ? Severity.CRITICAL : Severity.WARNING;
    }

    /** {@code margin / |threshold|}, or the margin itself where the threshold is zero. */
    public static double marginRatio(double margin, double threshold) {
        return threshold == 0 ? margin : margin / Math.abs(threshold);
    }
}
