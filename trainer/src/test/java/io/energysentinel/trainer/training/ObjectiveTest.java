package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one place that says which objectives train the image models. */
class ObjectiveTest {
    @Test
    void onlyDsmIsRefusedForImagesAndTheReasonSaysWhy() {
        for (Objective o : new Objective[] {Objective.PCD, Objective.CD, Objective.NCE}) {
            assertThatCode(o::requireForImages).doesNotThrowAnyException();
        }
        assertThatThrownBy(Objective.DSM::requireForImages).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("images train by pcd, cd or nce; dsm trains nets of linear layers (--kind mlp, toy)");
    }
}
