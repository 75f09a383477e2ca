package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lodi.glue.data.GlueData;
import lodi.glue.data.SyntheticGlue;
import lodi.glue.data.Task;
import lodi.model.TokenBatch;
import lodi.model.diffusion.Corruption;
import lodi.model.diffusion.MaskPredictor;
import lodi.model.diffusion.NoiseSchedule;
import lodi.model.sampling.AncestralSampler;
import lodi.model.sampling.TokenChoice;
import lodi.model.tokenizer.VocabularyBuilder;
import lodi.model.tokenizer.WordPieceTokenizer;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Generation accuracy measures what the model makes of the input: a predictor that reads the prompt scores 100%,
 * one that ignores it cannot beat the share of the label it always says (the reference's constant 6.35%).
 */
class EvaluatorTest {
    private static final GlueData DATA = GlueData.synthetic(SyntheticGlue.Sizes.of(40, 30), 5, 0);

    /** A fake predictor: its vocabulary size is a record component, and it ignores time. */
    private interface Untimed extends MaskPredictor {
        @Override
        default boolean timeConditioned() {
            return false;
        }
    }

    /** Knows every dev prompt's gold response; answers from the prompt it is shown. */
    private record PromptReader(Map<String, int[]> answers, int vocabSize, int sep) implements Untimed {
        @Override
        public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
            Tensor logits = Tensor.zeros(positions.length, vocabSize);
            int[] rowOf = batch.rowOfPositions();
            for (int i = 0; i < positions.length; i++) {
                int row = rowOf[positions[i]];
                int start = batch.start(row);
                int sepAt = start + 1;
                while (batch.ids()[sepAt] != sep) {
                    sepAt++;
                }
                int[] answer = answers.get(Arrays.toString(Arrays.copyOfRange(batch.ids(), start + 1, sepAt)));
                int inResponse = positions[i] - sepAt - 1;
                if (inResponse >= 0 && inResponse < answer.length) { // [CLS] and the closing [SEP] are not known
                    logits.data()[i * vocabSize + answer[inResponse]] = 10;
                }
            }
            return logits;
        }
    }

    /** Always answers a task's label 0, whatever the prompt (the task told apart by its response length). */
    private record PromptBlind(Encoder encoder, int vocabSize) implements Untimed {
        @Override
        public Tensor logits(TokenBatch batch, float[] times, int[] positions) {
            Tensor logits = Tensor.zeros(positions.length, vocabSize);
            int[] rowOf = batch.rowOfPositions();
            for (int i = 0; i < positions.length; i++) {
                int row = rowOf[positions[i]];
                int first = batch.responsePositions(row)[0];
                int length = positions[i] - first;
                int responseLength = batch.responsePositions(row).length;
                if (length < 0 || length >= responseLength) {
                    continue; // [CLS] and the closing [SEP] are not known
                }
                Task task = java.util.stream.Stream.of(Task.SST2, Task.MRPC).filter(t -> encoder.responseLength(t) == responseLength).findFirst().orElseThrow();
                logits.data()[i * vocabSize + encoder.labels(task).get(0)[length]] = 10;
            }
            return logits;
        }
    }

    @Test
    void generationAccuracyIsAboutTheInput() {
        List<String> corpus = new ArrayList<>();
        for (Task task : Task.values()) {
            DATA.train(task).forEach(e -> corpus.add(e.prompt()));
            DATA.dev(task).forEach(e -> corpus.add(e.prompt()));
            corpus.addAll(task.labelWords());
        }
        Encoder encoder = new Encoder(new WordPieceTokenizer(new VocabularyBuilder(400).build(corpus)));
        List<Encoder.Encoded> dev = new ArrayList<>();
        Map<String, int[]> answers = new HashMap<>();
        for (Task task : List.of(Task.SST2, Task.MRPC)) {
            for (Encoder.Encoded e : encoder.encodeAll(DATA.dev(task), 0, true)) {
                dev.add(e);
                answers.put(Arrays.toString(e.prompt()), e.response());
            }
        }
        NoiseSchedule schedule = NoiseSchedule.cosine(100);
        Evaluator evaluator = new Evaluator(dev, encoder, Corruption.conditional(schedule, encoder.special()),
                new AncestralSampler(schedule, 5, TokenChoice.greedy(), encoder.special(), 0, false), 128, 16);
        int vocab = encoder.tokenizer().vocabulary().size();

        Map<String, Double> reader = evaluator.evaluate(new PromptReader(answers, vocab, encoder.special().sep()), null);
        assertEquals(1.0, reader.get("generation_accuracy"));
        assertEquals(1.0, reader.get("accuracy"));
        assertEquals(1.0, reader.get("mrpc_generation_f1"));
        assertEquals(1.0, reader.get("scored_accuracy"));
        assertEquals(1.0, reader.get("sst2_scored_accuracy"));
        assertEquals(1.0, reader.get("mrpc_scored_f1"));
        double reference = reader.get("reference_token_accuracy");
        assertTrue(reference > 0.3 && reference < 1, "label words right, [CLS] and [SEP] wrong: " + reference);

        Map<String, Double> blind = evaluator.evaluate(new PromptBlind(encoder, vocab), null);
        double labelZero = dev.stream().filter(e -> e.label() == 0).count() / (double) dev.size();
        assertEquals(labelZero, blind.get("generation_accuracy"), 1e-12);
        assertEquals(0.0, blind.get("mrpc_generation_f1"), "never saying 'equivalent' finds no positive");
        assertEquals(0.0, blind.get("generation_invalid"));
        assertEquals(labelZero, blind.get("scored_accuracy"), 1e-12);
        assertEquals(0.0, blind.get("mrpc_scored_f1"));
    }
}
