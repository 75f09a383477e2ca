package lodi.glue.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import lodi.model.TokenBatch;
import org.junit.jupiter.api.Test;

/**
 * What the minilm preset prepares its base on: the training prompts alone. No label and no response of any task
 * reaches the base, so what the base alone scores on a task is what English (MiniLM's pretraining) taught it.
 */
class BaseCorpusTest {
    @Test
    void theMiniLmBaseSeesTrainingPromptsAndNoLabelOrResponse() throws Exception {
        ExperimentConfig config = Presets.load("minilm", List.of("data.synthetic=true", "data.synthetic_train.sst2=60",
                "data.synthetic_train.qnli=60", "data.synthetic_train.mrpc=60", "data.synthetic_dev.sst2=10",
                "data.synthetic_dev.qnli=10", "data.synthetic_dev.mrpc=10"));
        Experiment experiment = Experiment.load(config, new PrintWriter(new StringWriter()));
        assertEquals(Choices.PretrainingTexts.PROMPTS, config.pretraining().texts());

        BaseModel.Corpus corpus = BaseModel.corpus(experiment);
        assertNull(corpus.responses(), "plain-text rows: no response position at all");
        List<Encoder.Encoded> train = new ArrayList<>();
        experiment.train().values().forEach(train::addAll);
        assertEquals(train.size(), corpus.texts().size());
        for (int i = 0; i < train.size(); i++) {
            assertArrayEquals(train.get(i).prompt(), corpus.texts().get(i), "row " + i + " is its example's prompt, nothing appended");
        }
        TokenBatch rows = TokenBatch.plain(corpus.texts(), experiment.encoder().special(), config.pretraining().maxLength());
        for (boolean response : rows.response()) {
            assertFalse(response);
        }
    }
}
