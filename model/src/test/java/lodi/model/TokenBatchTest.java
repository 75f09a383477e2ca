package lodi.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lodi.tensor.Sequences;
import org.junit.jupiter.api.Test;

class TokenBatchTest {
    static final SpecialTokens SPECIAL = new SpecialTokens(0, 1, 2, 3, 4);

    @Test
    void lookupFindsTheFiveTokensByName() {
        Map<String, Integer> vocabulary = Map.of("[PAD]", 0, "[UNK]", 100, "[CLS]", 101, "[SEP]", 102, "[MASK]", 103);
        assertEquals(new SpecialTokens(0, 100, 101, 102, 103), SpecialTokens.fromVocabulary(vocabulary));
        var e = assertThrows(IllegalArgumentException.class,
                () -> SpecialTokens.fromVocabulary(Map.of("[PAD]", 0)));
        assertTrue(e.getMessage().contains("[UNK]"), e.getMessage());
    }

    @Test
    void rowsAreClsPromptSepResponseSepBackToBack() {
        TokenBatch batch = TokenBatch.of(List.of(new int[] {10, 11, 12}, new int[] {20}),
                List.of(new int[] {30}, new int[] {40, 41}), SPECIAL, 32);
        assertEquals(2, batch.batch());
        assertEquals(7, batch.longestRow());
        assertArrayEquals(new int[] {2, 10, 11, 12, 3, 30, 3, 2, 20, 3, 40, 41, 3}, batch.ids());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1}, batch.segments());
        assertArrayEquals(new int[] {7, 6}, batch.lengths());
        assertEquals(7, batch.start(1));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5}, batch.positionsInRow());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, batch.rowOfPositions());
        assertArrayEquals(new int[] {5}, batch.responsePositions(0));
        assertArrayEquals(new int[] {10, 11}, batch.responsePositions(1));
        assertArrayEquals(new int[] {40, 41}, batch.responseIds(1));
    }

    @Test
    void thePaddedLayoutPutsRowBAtBTimesTheLongestRow() {
        TokenBatch batch = TokenBatch.of(List.of(new int[] {10, 11, 12}, new int[] {20}),
                List.of(new int[] {30}, new int[] {40, 41}), SPECIAL, 32).padded(SPECIAL.pad());
        assertArrayEquals(new int[] {2, 10, 11, 12, 3, 30, 3, 2, 20, 3, 40, 41, 3, 0}, batch.ids());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 0}, batch.segments());
        assertArrayEquals(new int[] {7, 6}, batch.lengths());
        assertEquals(7, batch.start(1));
        assertEquals(-1, batch.rowOfPositions()[13]);
        assertArrayEquals(new int[] {10, 11}, batch.responsePositions(1));
        assertArrayEquals(new int[] {40, 41}, batch.responseIds(1));
    }

    @Test
    void longPromptsLoseTheirEndButResponsesAreKept() {
        TokenBatch batch = TokenBatch.of(List.of(new int[] {10, 11, 12, 13, 14}), List.of(new int[] {30, 31}),
                SPECIAL, 6);
        assertArrayEquals(new int[] {2, 10, 3, 30, 31, 3}, batch.ids());
        var e = assertThrows(IllegalArgumentException.class, () -> TokenBatch.of(List.of(new int[] {10}),
                List.of(new int[] {30, 31, 32, 33}), SPECIAL, 6));
        assertTrue(e.getMessage().contains("row 0") && e.getMessage().contains("maximum length 6"), e.getMessage());
    }

    @Test
    void maskedResponsesHaveTheAskedLengths() {
        TokenBatch batch = TokenBatch.maskedResponses(List.of(new int[] {10}, new int[] {20, 21}), new int[] {3, 1},
                SPECIAL, 16);
        assertArrayEquals(new int[] {4, 4, 4}, batch.responseIds(0));
        assertArrayEquals(new int[] {4}, batch.responseIds(1));
    }

    @Test
    void plainRowsHaveNoResponse() {
        TokenBatch batch = TokenBatch.plain(List.of(new int[] {10, 11, 12}, new int[] {20}), SPECIAL, 4);
        assertArrayEquals(new int[] {2, 10, 11, 3, 2, 20, 3}, batch.ids());
        assertArrayEquals(new int[] {4, 3}, batch.lengths());
        assertEquals(0, batch.responsePositions(0).length);
    }

    @Test
    void inconsistentArraysAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new TokenBatch(new int[3], new int[4], Sequences.uniform(2, 2), new boolean[4]));
        assertThrows(IllegalArgumentException.class,
                () -> new TokenBatch(new int[3], new int[3], Sequences.uniform(2, 2), new boolean[3]));
    }
}
