package lodi.glue.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** One evaluation of a run: its metrics ({@link Metrics}) after {@code step} steps, as evaluation_history.json holds it. */
public record Evaluation(long step, Map<String, Double> metrics) {

    /** The evaluations of an {@code evaluation_history.json} array ({@code [{step, metrics}, ...]}). */
    public static List<Evaluation> listOf(JsonNode array) {
        List<Evaluation> evaluations = new ArrayList<>();
        for (JsonNode e : array) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            e.path("metrics").properties().forEach(p -> metrics.put(p.getKey(), p.getValue().doubleValue()));
            evaluations.add(new Evaluation(e.path("step").longValue(), metrics));
        }
        return evaluations;
    }
}
