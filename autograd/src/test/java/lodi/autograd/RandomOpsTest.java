package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class RandomOpsTest {
    @Test
    void dropoutGradientMatchesFiniteDifferencesForAFixedSeed() {
        GradCheck.standard().check("dropout", v -> RandomOps.dropout(v.get(0), 0.4f, 77, 5, true),
                List.of(Init.normal(1, 1, 1f, 3, 17)));
    }

    @Test
    void identityWhenNotTrainingOrPZero() {
        Variable x = Variable.constant(Tensor.full(1f, 4));
        assertSame(x, RandomOps.dropout(x, 0.5f, 1, 1, false));
        assertSame(x, RandomOps.dropout(x, 0f, 1, 1, true));
    }

    @Test
    void theSeedReproducesTheMaskAndANewSeedChangesIt() {
        Variable x = Variable.constant(Tensor.full(1f, 256));
        float[] first = RandomOps.dropout(x, 0.5f, 3, 1, true).value().toArray();
        assertArrayEquals(first, RandomOps.dropout(x, 0.5f, 3, 1, true).value().toArray());
        assertFalse(Arrays.equals(first, RandomOps.dropout(x, 0.5f, 4, 1, true).value().toArray()));
        assertFalse(Arrays.equals(first, RandomOps.dropout(x, 0.5f, 3, 2, true).value().toArray()));
    }

    @Test
    void dropoutModuleFollowsTheTrainingFlag() {
        Dropout dropout = new Dropout(0.5f, 9);
        Variable x = Variable.constant(Tensor.full(1f, 64));
        assertFalse(Arrays.equals(x.value().toArray(), dropout.forward(x, 1).value().toArray()));
        dropout.eval();
        assertSame(x, dropout.forward(x, 1));
    }
}
