package lodi.glue.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the real GLUE files under ../shared; row and label counts are those in PROVENANCE.md. */
class SharedGlueFilesTest {
    private final GlueReader reader = new GlueReader(false);

    private List<Example> read(Task task, String relative) {
        GlueReader.Result result = reader.read(task, SharedFiles.require(relative));
        assertEquals(0, result.report().skipped());
        return result.examples();
    }

    private static long positives(List<Example> examples) {
        return examples.stream().filter(e -> e.label() == 1).count();
    }

    @Test
    void sst2TrainAndDev() {
        List<Example> train = read(Task.SST2, "glue/SST-2/train.tsv");
        assertEquals(67_349, train.size());
        assertEquals(37_569, positives(train));
        List<Example> dev = read(Task.SST2, "glue/SST-2/dev.tsv");
        assertEquals(872, dev.size());
        assertEquals(444, positives(dev));
        assertEquals("it 's a charming and often affecting journey . ", dev.getFirst().a(),
                "text is kept verbatim, trailing space included");
        assertTrue(dev.getFirst().source().endsWith("dev.tsv:2"));
    }

    @Test
    void qnliDevKeepsEmbeddedByteOrderMarksAndStrayQuotes() {
        List<Example> dev = read(Task.QNLI, "glue/QNLI/dev.tsv");
        assertEquals(5_463, dev.size());
        assertEquals(2_761, positives(dev), "label 1 is not_entailment");
        assertEquals("What came into force after the new constitution was herald?", dev.getFirst().a());
        assertEquals(3, dev.stream().mapToLong(e -> (e.a() + e.b()).chars().filter(c -> c == 0xFEFF).count()).sum());
        assertTrue(dev.stream().anyMatch(e -> e.b().startsWith("\" ")));
    }

    @Test
    void mrpcWithByteOrderMark() {
        List<Example> train = read(Task.MRPC, "glue/MRPC/train.tsv");
        assertEquals(3_668, train.size());
        assertEquals(2_474, positives(train));
        assertTrue(train.getFirst().a().startsWith("Amrozi accused his brother , whom he called \" the witness"));
        List<Example> dev = read(Task.MRPC, "glue/MRPC/dev.tsv");
        assertEquals(408, dev.size());
        assertEquals(279, positives(dev));
    }

    @Test
    void setFitJsonLines() {
        List<Example> train = read(Task.SST2, "glue/SetFit-sst2/train.jsonl");
        assertEquals(6_920, train.size());
        assertEquals(3_610, positives(train));
        assertEquals(872, read(Task.SST2, "glue/SetFit-sst2/dev.jsonl").size());
        List<Example> test = read(Task.SST2, "glue/SetFit-sst2/test.jsonl");
        assertEquals(1_821, test.size());
        assertEquals(909, positives(test));
    }

    @Test
    void glueCpuDirectoryLoadsAsAWhole() {
        Path dir = SharedFiles.require("glue-cpu");
        GlueData data = GlueData.load(dir, EnumSet.allOf(Task.class), false);
        assertFalse(data.synthetic());
        assertEquals(67_349, data.train(Task.SST2).size());
        assertEquals(872, data.dev(Task.SST2).size());
        assertEquals(4_463, data.train(Task.QNLI).size());
        assertEquals(1_000, data.dev(Task.QNLI).size());
        assertEquals(3_668, data.train(Task.MRPC).size());
        assertEquals(408, data.dev(Task.MRPC).size());
        assertEquals(6, data.reports().size());
        assertTrue(data.description().contains("qnli 4463 train / 1000 dev"), data.description());
    }
}
