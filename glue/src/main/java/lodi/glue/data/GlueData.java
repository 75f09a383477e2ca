package lodi.glue.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Train and dev examples per task, and where they came from. Every output of a run should print
 * {@link #description()}, so results on {@linkplain #synthetic() synthetic} data are never mistaken for GLUE.
 *
 * @param train       training examples per task
 * @param dev         dev (evaluation) examples per task
 * @param synthetic   true for {@link SyntheticGlue} data, false for files read from disk
 * @param description one line saying what the data is (source directory or generator settings, sizes)
 * @param reports     one read report per file read (empty for synthetic data); print those with skips
 */
public record GlueData(Map<Task, List<Example>> train, Map<Task, List<Example>> dev, boolean synthetic,
                       String description, List<ReadReport> reports) {
    public GlueData {
        train = copy(train);
        dev = copy(dev);
        if (!train.keySet().equals(dev.keySet())) {
            throw new IllegalArgumentException("train tasks " + train.keySet() + " differ from dev tasks "
                    + dev.keySet());
        }
        reports = List.copyOf(reports);
    }

    /** Reads all three tasks from a GLUE directory, strictly (the first bad row is an error). */
    public static GlueData load(Path glueDir) {
        return load(glueDir, EnumSet.allOf(Task.class), false);
    }

    /**
     * Reads {@code glueDir/<task dir>/{train,dev}.tsv} (or {@code .jsonl} when there is no {@code .tsv}) for
     * each task; see {@link GlueReader} for the formats and the meaning of {@code skipBadRows}.
     */
    public static GlueData load(Path glueDir, Set<Task> tasks, boolean skipBadRows) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks to load: give at least one of sst2, qnli, mrpc");
        }
        if (!Files.isDirectory(glueDir)) {
            throw new DataException(glueDir + ": no such directory; download GLUE into it with 'lodi download-glue "
                    + glueDir + "', or run without a data directory to use the built-in synthetic data");
        }
        GlueReader reader = new GlueReader(skipBadRows);
        Map<Task, List<Example>> train = new EnumMap<>(Task.class);
        Map<Task, List<Example>> dev = new EnumMap<>(Task.class);
        List<ReadReport> reports = new ArrayList<>();
        for (Task task : EnumSet.copyOf(tasks)) {
            GlueReader.Result trainFile = reader.read(task, splitFile(glueDir, task, "train"));
            GlueReader.Result devFile = reader.read(task, splitFile(glueDir, task, "dev"));
            train.put(task, trainFile.examples());
            dev.put(task, devFile.examples());
            reports.add(trainFile.report());
            reports.add(devFile.report());
        }
        String sizes = train.keySet().stream()
                .map(t -> t.shortName() + " " + train.get(t).size() + " train / " + dev.get(t).size() + " dev")
                .collect(Collectors.joining(", "));
        return new GlueData(train, dev, false, "GLUE files from " + glueDir + " (" + sizes + ")", reports);
    }

    /** Generated data: see {@link SyntheticGlue#generate}. */
    public static GlueData synthetic(SyntheticGlue.Sizes sizes, long seed, double labelNoise) {
        return SyntheticGlue.generate(sizes, seed, labelNoise);
    }

    /**
     * The data's identity by content: SHA-256 (first 16 hex digits) over every example of every split, in order.
     * The same files named by another path, or moved, have the same fingerprint; one changed row changes it.
     */
    public String fingerprint() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map<Task, List<Example>> split : List.of(train, dev)) {
            split.forEach((task, examples) -> {
                digest.update((task.shortName() + '\u0000' + examples.size() + '\n').getBytes(StandardCharsets.UTF_8));
                for (Example e : examples) {
                    digest.update((e.a() + '\u0000' + (e.b() == null ? "" : e.b()) + '\u0000' + e.label() + '\n')
                            .getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    /** The tasks present, in enum order. */
    public Set<Task> tasks() {
        return train.keySet();
    }

    public List<Example> train(Task task) {
        return present(train, task);
    }

    public List<Example> dev(Task task) {
        return present(dev, task);
    }

    private List<Example> present(Map<Task, List<Example>> split, Task task) {
        List<Example> examples = split.get(task);
        if (examples == null) {
            throw new IllegalArgumentException(task.shortName() + " is not in this data set (it has "
                    + tasks().stream().map(Task::shortName).collect(Collectors.joining(", ")) + ")");
        }
        return examples;
    }

    /** The split's {@code .tsv} if present, else its {@code .jsonl}, else the (missing) {@code .tsv} for the error. */
    private static Path splitFile(Path glueDir, Task task, String split) {
        Path taskDir = glueDir.resolve(task.directoryName());
        Path tsv = taskDir.resolve(split + ".tsv");
        Path jsonl = taskDir.resolve(split + ".jsonl");
        return !Files.exists(tsv) && Files.exists(jsonl) ? jsonl : tsv;
    }

    private static Map<Task, List<Example>> copy(Map<Task, List<Example>> split) {
        Map<Task, List<Example>> copy = new EnumMap<>(Task.class);
        split.forEach((task, examples) -> copy.put(task, List.copyOf(examples)));
        return Collections.unmodifiableMap(copy);
    }
}
