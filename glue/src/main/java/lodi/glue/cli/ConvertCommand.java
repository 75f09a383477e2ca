package lodi.glue.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lodi.model.bert.Checkpoints;
import lodi.model.bert.Denoiser;
import lodi.model.bert.DenoiserConfig;
import lodi.model.bert.OnnxImport;
import lodi.model.io.Onnx;
import lodi.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lodi convert}: an ONNX export of a BERT-family encoder as a lodi checkpoint. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert an ONNX export of a BERT-family encoder (HuggingFace's export, as sentence-transformers"
                + " ships it; e.g. all-MiniLM-L6-v2) into a lodi checkpoint folder: config.json and model.safetensors"
                + " with HuggingFace BertForMaskedLM names, usable as --base DIR or --base DIR/model.safetensors.",
                "The encoder's weights are copied exactly; what the ONNX file lacks (the MLM head, a timestep"
                + " embedding) is initialised from --seed and listed."})
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.onnx", description = "The ONNX model to read.")
    private Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "The checkpoint folder to write (created if needed).")
    private Path output;

    @Option(names = "--time-conditioning", paramLabel = "WHERE", defaultValue = "none",
            description = "Where the denoiser adds its timestep embedding: none (default; a plain encoder), output or input.")
    private String timeConditioning;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the parts the ONNX file does not hold (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(input)) {
            throw new Lodi.UsageException(input + ": no such file (give an .onnx model)");
        }
        if (Files.exists(output.resolve(Checkpoints.WEIGHTS))) {
            throw new Lodi.UsageException(output + " already holds a checkpoint; choose another folder or remove it");
        }
        Onnx.Graph graph = Onnx.read(input);
        Map<String, Tensor> tensors = OnnxImport.huggingFaceTensors(graph, input.toString());
        DenoiserConfig diffusion = new DenoiserConfig(1, 1, 0, 1, 1, 1, 2, 1e-12, 0.1, "gelu", true, false,
                timeConditioning, 100);
        DenoiserConfig config = OnnxImport.config(graph, tensors, input.toString(), diffusion);
        Denoiser model = new Denoiser(config, seed);
        List<String> initialised = Checkpoints.loadBackbone(model, tensors, input.toString(), true);
        Checkpoints.save(model, output);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("converted %s: %d layers, hidden %d, %d heads, FFN %d, %d positions, vocabulary %d -> %s%n", input,
                config.numLayers(), config.hiddenSize(), config.numHeads(), config.intermediateSize(),
                config.maxPositions(), config.vocabSize(), output);
        out.println("initialised from seed " + seed + " (not in the ONNX file): " + String.join(", ", initialised));
        out.flush();
        return 0;
    }
}
