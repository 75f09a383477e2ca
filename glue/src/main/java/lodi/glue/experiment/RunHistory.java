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
     * What the training steps processed and how long they took (batch building, evaluations and checkpoints
     * excluded): real tokens, positions the kernels processed (padding included, as {@code lodi bench step} counts
     * them), rows, and seconds; for {@code training_summary.json}'s {@code throughput}.
     */
    static final class Throughput {
        long realTokens;
        long positions;
        long rows;
        double stepSeconds;

        void add(long tokens, long processed, int batchRows, double seconds) {
            realTokens += tokens;
            positions += processed;
            rows += batchRows;
            stepSeconds += seconds;
        }

        double tokensPerSecond() {
            return stepSeconds > 0 ? realTokens / stepSeconds : 0;
        }

        double positionsPerSecond() {
            return stepSeconds > 0 ? positions / stepSeconds : 0;
        }

        /** The mean processed row length (positions per row). */
        double meanSequenceLength() {
            return rows > 0 ? (double) positions / rows : 0;
        }

        /**
         * {@code tokens_per_second} (real tokens), {@code positions_per_second}, {@code mean_sequence_length},
         * {@code real_token_share} and the totals.
         */
        ObjectNode toJson() {
            ObjectNode node = Presets.JSON.createObjectNode();
            node.put("real_tokens", realTokens);
            node.put("positions", positions);
            node.put("rows", rows);
            node.put("step_seconds", stepSeconds);
            node.put("tokens_per_second", tokensPerSecond());
            node.put("positions_per_second", positionsPerSecond());
            node.put("mean_sequence_length", meanSequenceLength());
            node.put("real_token_share", positions > 0 ? (double) realTokens / positions : 0);
            return node;
        }

        static Throughput fromJson(JsonNode node) {
            Throughput throughput = new Throughput();
            throughput.realTokens = node.path("real_tokens").longValue();
            throughput.positions = node.path("positions").longValue();
            throughput.rows = node.path("rows").longValue();
            throughput.stepSeconds = node.path("step_seconds").doubleValue();
            return throughput;
        }
    }

    final List<Step> steps = new ArrayList<>();
    final List<Evaluation> evaluations = new ArrayList<>();
    double wallSeconds;
    Throughput throughput = new Throughput();
    /** When this process's share of {@link #wallSeconds} last started counting (not saved). */
    private long lapStart;

    /** Starts counting this process's training time (a resumed run adds to what earlier processes counted). */
    void startSession() {
        lapStart = System.nanoTime();
    }

    /** Adds the time since the last lap (or the session's start) to {@link #wallSeconds}, before a checkpoint. */
    void endLap() {
        long now = System.nanoTime();
        wallSeconds += (now - lapStart) / 1e9;
        lapStart = now;
    }

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
