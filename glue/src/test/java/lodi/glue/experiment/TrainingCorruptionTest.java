package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import lodi.model.TokenBatch;
import lodi.model.diffusion.Corruption;
import org.junit.jupiter.api.Test;

/** {@code training.whole_response_share} reaches the corruption fine-tuning draws, and only that one. */
class TrainingCorruptionTest {
    @Test
    void aWholeResponseShareOfOneMasksEveryTrainingResponseWholeAtTimeOneButLeavesEvaluationAlone() throws Exception {
        ExperimentConfig config = Presets.load("smoke", List.of("training.whole_response_share=1"));
        Experiment experiment = Experiment.load(config, new PrintWriter(new StringWriter()));
        List<Encoder.Encoded> examples = new ArrayList<>();
        experiment.train().values().forEach(examples::addAll);
        TokenBatch clean = TokenBatch.of(examples.stream().map(Encoder.Encoded::prompt).toList(),
                examples.stream().map(Encoder.Encoded::response).toList(), experiment.encoder().special(),
                config.training().maxLength());
        long[] ids = examples.stream().mapToLong(Encoder.Encoded::id).toArray();

        Corruption.Corrupted training = experiment.trainingCorruption().training(clean, ids, 42, 3);
        int responsePositions = 0;
        for (boolean response : clean.response()) {
            responsePositions += response ? 1 : 0;
        }
        assertEquals(responsePositions, training.positions().length, "every response position is masked");
        for (float time : training.times()) {
            assertEquals(1f, time);
        }
        Corruption.Corrupted evaluation = experiment.evaluationCorruption().evaluation(clean, ids);
        assertTrue(evaluation.positions().length < responsePositions, "evaluation draws its times as before");
    }
}
