package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.UpdateStage;
import io.energysentinel.job.model.ModelEvent;
import org.junit.jupiter.api.Test;

/** The promotion gate: shadow verdicts, promotion, and the automatic revert of a promotion out of band. */
class GateStateTest {
    private static final RetrainPolicy POLICY = new RetrainPolicy(30, 0.5, 1000, 0.01, 0.05, 1.0, 3.0, 1000, 2, 10);
    private static final ModelUpdate V1 = new ModelUpdate("m", "v1", "file:///models/v1", "a".repeat(64));
    private static final ModelUpdate V2 = new ModelUpdate("m", "v2", "file:///models/v2", "b".repeat(64), false, UpdateStage.SHADOW);

    @Test
    void aCandidateThatAgreesWithTheServingModelIsPromotedAfterItsShadowWindow() {
        GateState state = GateState.EMPTY;
        GateState.Step step = null;
        for (int i = 0; i < 10; i++) {
            // 100 records a flush: serving flags 2, the candidate the same 2 and 1 more.
            step = state.step(shadowTally(new ShadowTally(100, 98, 1, 0, 2)), POLICY, i);
            state = step.next();
            if (i < 9) {
                assertThat(step.announce()).isNull();
            }
        }
        assertThat(step.announce()).isEqualTo(V2.at(UpdateStage.SERVE));
        assertThat(step.verdict().outcome()).isEqualTo(ModelEvent.PROMOTED);
        assertThat(step.verdict().detail()).contains("1000 records shadow-scored").contains("replaces v1");
    }

    @Test
    void aCandidateFlaggingTooMuchOfWhatServingCallsNormalIsRejectedAndItsShadowEnded() {
        GateState state = GateState.EMPTY;
        GateState.Step step = null;
        for (int i = 0; i < 10; i++) {
            step = state.step(shadowTally(new ShadowTally(100, 99, 5, 0, 1)), POLICY, i);
            state = step.next();
        }
        assertThat(step.announce()).isEqualTo(V2.at(UpdateStage.END_SHADOW));
        assertThat(step.verdict().outcome()).isEqualTo(ModelEvent.REJECTED);
        assertThat(step.verdict().reason()).isEqualTo("shadow_fpr");
        // Late tallies of the decided candidate change nothing.
        assertThat(state.step(shadowTally(new ShadowTally(100, 99, 5, 0, 1)), POLICY, 11).announce()).isNull();
    }

    @Test
    void aPromotedModelRaisingTenTimesItsCalibratedAlertRateIsRevertedToThePreviousVersion() {
        GateState state = promoted();
        ModelUpdate v2 = V2.at(UpdateStage.SERVE);
        // Calibrated at 1%: 10% of records alerting, two windows of 1,000 in a row.
        GateState.Step step = state.step(live(v2, 500, 50), POLICY, 1);
        step = step.next().step(live(v2, 500, 50), POLICY, 2);
        assertThat(step.announce()).isNull();
        step = step.next().step(live(v2, 1000, 100), POLICY, 3);
        assertThat(step.announce()).isEqualTo(new ModelUpdate("m", "v1", V1.uri(), V1.sha256(), true, UpdateStage.SERVE));
        assertThat(step.verdict().outcome()).isEqualTo(ModelEvent.REVERTED);
        assertThat(step.verdict().reason()).isEqualTo("alert_rate");
        assertThat(step.verdict().detail()).contains("100 of 1000 records alerting").contains("back to v1");
    }

    @Test
    void aPromotedModelWhoseAlertsCollapseToNoneIsRevertedButOneInBandIsKept() {
        ModelUpdate v2 = V2.at(UpdateStage.SERVE);
        RetrainPolicy wide = new RetrainPolicy(30, 0.5, 1000, 0.01, 0.05, 1.0, 3.0, 2000, 2, 10);
        GateState.Step collapse = promoted().step(live(v2, 2000, 0), wide, 1);
        collapse = collapse.next().step(live(v2, 2000, 0), wide, 2);
        assertThat(collapse.verdict().reason()).isEqualTo("alert_collapse");

        GateState state = promoted();
        for (int i = 0; i < 12; i++) {
            GateState.Step step = state.step(live(v2, 1000, 15), POLICY, i);
            assertThat(step.announce()).isNull();
            state = step.next();
        }
        assertThat(state.promoted()).as("the watch ends after its windows").isNull();
    }

    private static GateState promoted() {
        GateState state = GateState.EMPTY;
        for (int i = 0; i < 10; i++) {
            state = state.step(shadowTally(new ShadowTally(100, 98, 1, 0, 2)), POLICY, i).next();
        }
        assertThat(state.promoted()).isNotNull();
        return state;
    }

    private static LineTally shadowTally(ShadowTally shadow) {
        return new LineTally("m", V1, 0.01, shadow.records(), shadow.bothAnomalous() + shadow.servingOnly(), V2, 0.01, shadow);
    }

    private static LineTally live(ModelUpdate serving, long records, long anomalous) {
        return new LineTally("m", serving, 0.01, records, anomalous, null, 0, ShadowTally.EMPTY);
    }
}
