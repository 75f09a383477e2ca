package lodi.glue.experiment;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lodi.model.io.AtomicFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How this process was started: the command line and the commit of the code. Each start of a run appends an
 * attempt to its {@code run_info.json} (command, commit, host, time, the step it started from, and the Slurm job,
 * array and restart ids when Slurm started it), so that a requeued or resumed run shows its whole story.
 *
 * @param command   the {@code lodi} arguments
 * @param gitCommit the commit the code was built from, or null when unknown
 */
public record Invocation(List<String> command, String gitCommit) {
    public static final String FILE = "run_info.json";
    /** For runs started by code rather than the command line (tests). */
    public static final Invocation UNKNOWN = new Invocation(List.of(), null);
    private static final List<String> SLURM_VARIABLES = List.of("SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID",
            "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT", "SLURM_JOB_NODELIST", "SLURM_CPUS_PER_TASK");

    public Invocation {
        command = List.copyOf(command);
    }

    /** Appends this attempt, starting at {@code fromStep}, to {@code dir/run_info.json}. */
    void recordAttempt(Path dir, long fromStep) throws IOException {
        Path file = dir.resolve(FILE);
        ObjectNode info = Files.isRegularFile(file) && lodi.glue.data.JsonFiles.read(file, "delete it: it is only a record")
                instanceof ObjectNode saved ? saved : Presets.JSON.createObjectNode();
        ArrayNode attempts = info.path("attempts") instanceof ArrayNode saved ? saved : info.putArray("attempts");
        ObjectNode attempt = attempts.addObject();
        attempt.set("command", Presets.JSON.valueToTree(command));
        attempt.put("git_commit", gitCommit);
        attempt.put("host", host());
        attempt.put("started", Instant.now().toString());
        attempt.put("from_step", fromStep);
        Map<String, String> slurm = new TreeMap<>();
        for (String name : SLURM_VARIABLES) {
            String value = System.getenv(name);
            if (value != null) {
                slurm.put(name.toLowerCase(java.util.Locale.ROOT), value);
            }
        }
        if (!slurm.isEmpty()) {
            attempt.set("slurm", Presets.JSON.valueToTree(slurm));
        }
        AtomicFiles.writeString(file, Presets.JSON.writeValueAsString(info));
    }

    /** The attempts recorded in {@code dir/run_info.json} (empty when none). */
    public static List<JsonNode> attempts(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<JsonNode> attempts = new java.util.ArrayList<>();
        lodi.glue.data.JsonFiles.read(file, "delete it: it is only a record").path("attempts").forEach(attempts::add);
        return attempts;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
