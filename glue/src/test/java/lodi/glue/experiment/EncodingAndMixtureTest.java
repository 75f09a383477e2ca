package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lodi.glue.data.Example;
import lodi.glue.data.GlueData;
import lodi.glue.data.SyntheticGlue;
import lodi.glue.data.Task;
import lodi.model.tokenizer.Vocabulary;
import lodi.model.tokenizer.VocabularyBuilder;
import lodi.model.tokenizer.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

class EncodingAndMixtureTest {
    private static final GlueData DATA = GlueData.synthetic(
            SyntheticGlue.Sizes.of(60, 10).with(Task.MRPC, 20, 10), 3, 0);
    private static final Encoder ENCODER = encoder();

    private static Encoder encoder() {
        List<String> corpus = new ArrayList<>();
        for (Task task : Task.values()) {
            DATA.train(task).forEach(e -> corpus.add(e.prompt()));
            corpus.addAll(task.labelWords());
        }
        Vocabulary vocabulary = new VocabularyBuilder(300).build(corpus);
        return new Encoder(new WordPieceTokenizer(vocabulary));
    }

    private static Map<Task, List<Encoder.Encoded>> train() {
        Map<Task, List<Encoder.Encoded>> train = new EnumMap<>(Task.class);
        for (Task task : Task.values()) {
            train.put(task, ENCODER.encodeAll(DATA.train(task), 0, false));
        }
        return train;
    }

    @Test
    void responsesAreLabelWordsPaddedToTheTasksLongest() {
        for (Task task : Task.values()) {
            int length = ENCODER.responseLength(task);
            for (int label = 0; label < task.numLabels(); label++) {
                int[] response = ENCODER.labels(task).get(label);
                assertEquals(length, response.length);
                assertEquals(label, ENCODER.labelOf(task, response));
                assertEquals(task.labelWord(label).replace("_", " _ "), ENCODER.tokenizer().decode(response));
            }
        }
        int[] entailment = ENCODER.labels(Task.QNLI).get(0);
        assertEquals(ENCODER.special().pad(), entailment[entailment.length - 1], "entailment is padded to not_entailment's length");
        int pad = ENCODER.special().pad();
        assertEquals(-1, ENCODER.labelOf(Task.QNLI, new int[] {pad, pad, pad}));
        int[] word = Arrays.stream(entailment).filter(id -> id != pad).toArray();
        int[] shifted = new int[entailment.length];
        Arrays.fill(shifted, pad);
        System.arraycopy(word, 0, shifted, 1, word.length);
        assertEquals(0, ENCODER.labelOf(Task.QNLI, shifted), "padding carries no text, wherever it sits");
        int[] notEntailment = ENCODER.labels(Task.QNLI).get(1);
        int[] withoutUnderscore = Arrays.copyOf(notEntailment, notEntailment.length);
        System.arraycopy(notEntailment, 2, withoutUnderscore, 1, notEntailment.length - 2);
        withoutUnderscore[notEntailment.length - 1] = pad;
        assertEquals(-1, ENCODER.labelOf(Task.QNLI, withoutUnderscore), "'not entailment' is no label word");
        int[] reversed = new int[notEntailment.length];
        for (int i = 0; i < reversed.length; i++) {
            reversed[i] = notEntailment[reversed.length - 1 - i];
        }
        assertEquals(-1, ENCODER.labelOf(Task.QNLI, reversed), "order matters");

        Example example = DATA.dev(Task.MRPC).get(3);
        Encoder.Encoded encoded = ENCODER.encode(example, 3, true);
        assertArrayEquals(ENCODER.tokenizer().encode(example.prompt()), encoded.prompt());
        assertArrayEquals(ENCODER.labels(Task.MRPC).get(example.label()), encoded.response());
        assertNotEquals(ENCODER.encode(example, 3, false).id(), encoded.id(), "dev and train ids differ");
    }

    @Test
    void batchOfAStepIsAPureFunctionOfSeedAndStep() {
        Mixture sequential = new Mixture(train(), 8, 3, 1.0, 42);
        List<List<Long>> seen = new ArrayList<>();
        for (int step = 0; step < 40; step++) {
            seen.add(ids(sequential.batch(step)));
        }
        Mixture resumed = new Mixture(train(), 8, 3, 1.0, 42);
        assertEquals(seen.get(37), ids(resumed.batch(37)));
        assertEquals(seen.get(5), ids(resumed.batch(5)));
        assertNotEquals(seen.get(5), ids(new Mixture(train(), 8, 3, 1.0, 43).batch(5)), "another seed, another order");
    }

    @Test
    void proportionalEpochVisitsEveryExampleOnceAndBucketsByLength() {
        Mixture mixture = new Mixture(train(), 10, 4, 1.0, 7);
        assertEquals(14, mixture.batchesPerEpoch()); // 140 examples / 10
        Map<Long, Integer> visits = new HashMap<>();
        int spreadBucketed = 0;
        for (int step = 0; step < mixture.batchesPerEpoch(); step++) {
            List<Encoder.Encoded> batch = mixture.batch(step);
            batch.forEach(e -> visits.merge(e.id(), 1, Integer::sum));
            spreadBucketed += spread(batch);
        }
        assertEquals(140, visits.size());
        assertTrue(visits.values().stream().allMatch(n -> n == 1));

        Mixture unbucketed = new Mixture(train(), 10, 1, 1.0, 7);
        int spreadPlain = 0;
        for (int step = 0; step < unbucketed.batchesPerEpoch(); step++) {
            spreadPlain += spread(unbucketed.batch(step));
        }
        assertTrue(spreadBucketed < spreadPlain, "bucketing narrows batches: " + spreadBucketed + " vs " + spreadPlain);
    }

    @Test
    void temperatureMixingRaisesTheSmallTasksShare() {
        Mixture hot = new Mixture(train(), 10, 1, 10.0, 7);
        int mrpc = 0;
        int total = 0;
        for (int step = 0; step < hot.batchesPerEpoch() * 3; step++) {
            for (Encoder.Encoded e : hot.batch(step)) {
                mrpc += e.task() == Task.MRPC ? 1 : 0;
                total++;
            }
        }
        double share = (double) mrpc / total;
        assertTrue(share > 0.25 && share < 0.40, "MRPC has 20 of 140 examples (14%); at T=10 its share is ~32%: " + share);
    }

    private static List<Long> ids(List<Encoder.Encoded> batch) {
        return batch.stream().map(Encoder.Encoded::id).toList();
    }

    private static int spread(List<Encoder.Encoded> batch) {
        int min = batch.stream().mapToInt(Encoder.Encoded::length).min().orElseThrow();
        int max = batch.stream().mapToInt(Encoder.Encoded::length).max().orElseThrow();
        return max - min;
    }
}
