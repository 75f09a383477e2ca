package lodi.glue.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTest {
    @Test
    void labelWordsFollowTheGlueIndices() {
        assertEquals(List.of("negative", "positive"), Task.SST2.labelWords());
        assertEquals(List.of("entailment", "not_entailment"), Task.QNLI.labelWords());
        assertEquals(List.of("not_equivalent", "equivalent"), Task.MRPC.labelWords());
        assertEquals(List.of("SST-2", "QNLI", "MRPC"), List.of(Task.SST2.directoryName(),
                Task.QNLI.directoryName(), Task.MRPC.directoryName()));
    }

    @Test
    void promptsFollowTheTemplates() {
        assertEquals("sst2 sentence: a fine film", new Example(Task.SST2, "a fine film", null, 1, "t").prompt());
        assertEquals("qnli question: Who? sentence: Me.", new Example(Task.QNLI, "Who?", "Me.", 0, "t").prompt());
        assertEquals("mrpc sentence1: A . sentence2: B .", new Example(Task.MRPC, "A .", "B .", 0, "t").prompt());
    }

    @Test
    void examplesMustMatchTheirTask() {
        assertThrows(IllegalArgumentException.class, () -> new Example(Task.SST2, "a", "b", 1, "t"));
        assertThrows(IllegalArgumentException.class, () -> new Example(Task.QNLI, "a", null, 1, "t"));
        assertThrows(IllegalArgumentException.class, () -> new Example(Task.SST2, "a", null, 2, "t"));
        Example sst2 = new Example(Task.SST2, "a", null, 1, "t");
        assertThrows(IllegalArgumentException.class, () -> Task.MRPC.prompt(sst2));
    }

    @Test
    void parsesTheNamesUsersWrite() {
        assertEquals(Task.SST2, Task.parse("SST-2"));
        assertEquals(Task.QNLI, Task.parse("qnli"));
        assertEquals(Task.MRPC, Task.parse(" Mrpc "));
        assertThrows(IllegalArgumentException.class, () -> Task.parse("cola"));
    }
}
