package lodi.glue.experiment;

import java.util.ArrayList;
import java.util.List;
import lodi.glue.results.Evaluation;
import lodi.glue.results.Metrics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a run has recorded so far: every step's loss, learning rate and gradient norm, every evaluation's
 * metrics, and the training wall time. Stored in the run's checkpoint so a resumed run continues it, and written
 * at the end as {@code training_history.json} and {@code evaluation_history.json}.
 */
final class RunHistory {
    /** One optimizer step, counted from 1. */
    record Step(long step, double loss, double learningRate, double gradNorm) {
    }

    /**
     * What the training steps processed and how long they took (evaluations excluded): real tokens, positions
     * including [PAD], and seconds; for {@code training_summary.json}'s {@code throughput}.
     */
    static final class Throughput {
        long realTokens;
        long positions;
        double stepSeconds;

        void add(long tokens, long processed, double seconds) {
            realTokens += tokens;
            positions += processed;
            stepSeconds += seconds;
        }

        /** {@code real_tokens_per_second}, {@code positions_per_second}, {@code real_token_share} and the totals. */
        ObjectNode toJson() {
            ObjectNode node = Presets.JSON.createObjectNode();
            node.put("real_tokens", realTokens);
            node.put("positions", positions);
            node.put("step_seconds", stepSeconds);
            node.put("real_tokens_per_second", stepSeconds > 0 ? realTokens / stepSeconds : 0);
            node.put("positions_per_second", stepSeconds > 0 ? positions / stepSeconds : 0);
            node.put("real_token_share", positions > 0 ? (double) realTokens / positions : 0);
            return node;
        }

        static Throughput fromJson(JsonNode node) {
            Throughput throughput = new Throughput();
            throughput.realTokens = node.path("real_tokens").longValue();
            throughput.positions = node.path("positions").longValue();
            throughput.stepSeconds = node.path("step_seconds").doubleValue();
            return throughput;
        }
    }

    final List<Step> steps = new ArrayList<>();
    final List<Evaluation> evaluations = new ArrayList<>();
    double wallSeconds;
    Throughput throughput = new Throughput();

    /** The evaluation with the highest token-level accuracy (the first of equals). */
    Evaluation best() {
        Evaluation best = evaluations.getFirst();
        for (Evaluation e : evaluations) {
            if (e.metrics().get(Metrics.TOKEN_ACCURACY) > best.metrics().get(Metrics.TOKEN_ACCURACY)) {
                best = e;
            }
        }
        return best;
    }

    ArrayNode evaluationsJson() {
        ArrayNode array = Presets.JSON.createArrayNode();
        for (Evaluation e : evaluations) {
            ObjectNode entry = array.addObject();
            entry.put("step", e.step());
            entry.set("metrics", Presets.JSON.valueToTree(e.metrics()));
        }
        return array;
    }

    ArrayNode stepsJson() {
        ArrayNode array = Presets.JSON.createArrayNode();
        for (Step s : steps) {
            array.addObject().put("step", s.step()).put("loss", s.loss()).put("lr", s.learningRate())
                    .put("grad_norm", s.gradNorm());
        }
        return array;
    }

    ObjectNode toJson() {
        ObjectNode node = Presets.JSON.createObjectNode();
        node.set("evaluations", evaluationsJson());
        node.set("steps", stepsJson());
        node.put("wall_seconds", wallSeconds);
        node.set("throughput", throughput.toJson());
        return node;
    }

    static RunHistory fromJson(JsonNode node) {
        RunHistory history = new RunHistory();
        history.evaluations.addAll(Evaluation.listOf(node.path("evaluations")));
        for (JsonNode s : node.path("steps")) {
            history.steps.add(new Step(s.path("step").longValue(), s.path("loss").doubleValue(),
                    s.path("lr").doubleValue(), s.path("grad_norm").doubleValue()));
        }
        history.wallSeconds = node.path("wall_seconds").doubleValue();
        history.throughput = Throughput.fromJson(node.path("throughput"));
        return history;
    }
}
