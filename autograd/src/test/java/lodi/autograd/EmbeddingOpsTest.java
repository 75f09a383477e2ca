package lodi.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class EmbeddingOpsTest {
    private static final int[] IDS = {3, 0, 6, 3, 3, 1};

    @Test
    void lookupShapeAndGradientMatchFiniteDifferences() {
        Tensor table = Init.normal(3, 1, 1f, 7, 5);
        Variable y = EmbeddingOps.embedding(Variable.constant(table), IDS, 2, 3);
        assertArrayEquals(new int[] {2, 3, 5}, y.shape());
        assertEquals(table.at(6, 4), y.value().at(0, 2, 4));
        assertArrayEquals(new int[] {6, 5}, EmbeddingOps.embedding(Variable.constant(table), IDS).shape());
        GradCheck.standard().check("embedding", v -> EmbeddingOps.embedding(v.get(0), IDS, 3, 2), List.of(table));
    }

    @Test
    void frozenTableRecordsNothing() {
        Embedding embedding = new Embedding(7, 4, 1, 0);
        embedding.weight().setRequiresGrad(false);
        int before = Autograd.tapeSize();
        Variable y = embedding.forward(IDS);
        assertFalse(y.requiresGrad());
        assertEquals(before, Autograd.tapeSize());
        assertNull(embedding.weight().grad());
    }

    @Test
    void moduleHasAWeightDrawnFromNormalWithStd002() {
        Embedding embedding = new Embedding(500, 40, 42, 3);
        assertEquals(List.of("weight"), List.copyOf(embedding.namedParameters().keySet()));
        double sumSquares = 0;
        Tensor w = embedding.weight().value();
        for (int i = 0; i < w.size(); i++) {
            sumSquares += w.get(i) * w.get(i);
        }
        assertEquals(0.02, Math.sqrt(sumSquares / w.size()), 0.001);
        assertArrayEquals(w.toArray(), new Embedding(500, 40, 42, 3).weight().value().toArray());
    }

    @Test
    void badIdsAndPrefixesAreNamed() {
        Variable table = Variable.constant(Tensor.zeros(4, 2));
        var id = assertThrows(IllegalArgumentException.class, () -> EmbeddingOps.embedding(table, new int[] {1, 4}));
        assertEquals("id 4 at position 1 is outside the table's 4 rows", id.getMessage());
        var prefix = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingOps.embedding(table, new int[] {1, 2, 3}, 2, 2));
        assertEquals("3 ids do not fill the output shape [2, 2]", prefix.getMessage());
    }
}
