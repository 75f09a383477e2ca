package lodi.bench.jmh;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lodi.autograd.Parameter;
import lodi.autograd.optim.AdamW;
import lodi.autograd.optim.GradClip;
import lodi.tensor.CounterRng;
import lodi.tensor.Parallel;
import lodi.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One AdamW step, and the global gradient norm, over about 5 million parameters laid out two ways:
 * {@code model}, the tensors of the small masked-diffusion model (V = 30522 vocabulary, D = 128 model dim,
 * 4 layers, F = 4D feed-forward, 512 positions): 4,795,194 floats in 61 tensors, from the 3.9M token
 * embedding down to 128-float norms; {@code flat}, one tensor of 5,000,000 floats.
 * SIMD and scalar paths run in separate forks because {@code lodi.simd} is read once per JVM.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/lodi-classpath.txt) org.openjdk.jmh.Main OptimizerBenchmark
 * </pre>
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OptimizerBenchmark extends LodiBenchmark {
    private static final int V = 30522;
    private static final int D = 128;
    private static final int F = 4 * D;
    private static final int LAYERS = 4;
    private static final int POSITIONS = 512;

    @Param({"1", "2"})
    public int threads;

    @Param({"model", "flat"})
    public String layout;

    private Map<String, Parameter> parameters;
    private AdamW adamW;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        parameters = new LinkedHashMap<>();
        if (layout.equals("flat")) {
            add("flat.weight", 5_000_000);
        } else {
            addSmallModel();
        }
        adamW = AdamW.builder(parameters, 1e-4).build();
    }

    private void addSmallModel() {
        add("embeddings.word_embeddings.weight", V, D);
        add("embeddings.position_embeddings.weight", POSITIONS, D);
        add("embeddings.LayerNorm.weight", D);
        add("embeddings.LayerNorm.bias", D);
        for (int l = 0; l < LAYERS; l++) {
            String layer = "layers." + l + ".";
            for (String projection : new String[] {"query", "key", "value", "output"}) {
                add(layer + "attention." + projection + ".weight", D, D);
                add(layer + "attention." + projection + ".bias", D);
            }
            add(layer + "intermediate.weight", F, D);
            add(layer + "intermediate.bias", F);
            add(layer + "ffn_output.weight", D, F);
            add(layer + "ffn_output.bias", D);
            add(layer + "attention_norm.weight", D);
            add(layer + "ffn_norm.weight", D);
        }
        add("head.bias", V);
    }

    private void add(String name, int... shape) {
        Parameter parameter = new Parameter(Tensor.zeros(shape));
        Tensor grad = parameter.gradBuffer();
        long stream = parameters.size();
        for (int i = 0; i < grad.size(); i++) {
            grad.set(i, 1e-2f * CounterRng.normal(7, stream, i));
        }
        parameters.put(name, parameter);
    }

    @Benchmark
    public double adamWStepSimd() {
        adamW.step();
        return parameters.values().iterator().next().value().get(0);
    }

    @Benchmark
    @Fork(value = FORKS, jvmArgsAppend = {VECTOR_API, INCUBATOR, PARALLEL_GC, ALIGNED, SCALAR})
    public double adamWStepScalar() {
        adamW.step();
        return parameters.values().iterator().next().value().get(0);
    }

    @Benchmark
    public double gradNormSimd() {
        return GradClip.globalNorm(parameters.values());
    }

    @Benchmark
    @Fork(value = FORKS, jvmArgsAppend = {VECTOR_API, INCUBATOR, PARALLEL_GC, ALIGNED, SCALAR})
    public double gradNormScalar() {
        return GradClip.globalNorm(parameters.values());
    }
}
