package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one place that says which objectives train real models. */
class ObjectiveTest {
    @Test
    void onlyDsmIsRefusedForRealModelsAndTheReasonSaysWhy() {
        for (Objective o : new Objective[] {Objective.PCD, Objective.CD, Objective.NCE}) {
            assertThatCode(() -> o.requireForRealModels("images")).doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> Objective.DSM.requireForRealModels("event models")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event models train by pcd, cd or nce; dsm leaks native memory per step (toy only)");
    }
}
