package lodi.autograd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import lodi.autograd.Init;
import lodi.autograd.Module;
import lodi.autograd.Parameter;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    /** Parameters named like a transformer's, with sizes that exercise the kernels' vector tails. */
    static final class Net extends Module {
        Net(long seed) {
            Module dense = registerModule("dense", new Module() { });
            dense.registerParameter("weight", Init.normal(seed, 0, 1f, 5, 7));
            dense.registerParameter("bias", Init.normal(seed, 1, 1f, 5));
            Module embeddings = registerModule("embeddings", new Module() { });
            embeddings.registerModule("LayerNorm", new Module() { }).registerParameter("weight",
                    Init.normal(seed, 2, 1f, 17));
            Module layer = registerModule("layers", new Module() { }).registerModule("0", new Module() { });
            layer.registerModule("attention_norm", new Module() { }).registerParameter("weight",
                    Init.normal(seed, 3, 1f, 3));
            registerModule("head", new Module() { }).registerParameter("weight", Init.normal(seed, 4, 1f, 2, 9));
        }
    }

    /**
     * A small deterministic problem: the gradient of 0.5 * sum((p - target)^2) plus a step-dependent wiggle,
     * written into every trainable parameter's gradient.
     */
    static void setGradients(Map<String, Parameter> parameters, int step) {
        int k = 0;
        for (Parameter p : parameters.values()) {
            k++;
            if (!p.requiresGrad()) {
                continue;
            }
            Tensor g = p.gradBuffer();
            for (int i = 0; i < g.size(); i++) {
                double target = Math.sin(k + 0.3 * i);
                g.set(i, (float) (p.value().get(i) - target + 0.1 * Math.cos(step * 0.7 + i)));
            }
        }
    }

    private static double[] toDouble(Tensor t) {
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.get(i);
        }
        return out;
    }

    /** Per parameter, a double copy of its value ({@code copyValues}) or zeros of its size. */
    private static Map<String, double[]> doubles(Map<String, Parameter> params, boolean copyValues) {
        Map<String, double[]> out = new LinkedHashMap<>();
        params.forEach((name, param) -> out.put(name,
                copyValues ? toDouble(param.value()) : new double[param.value().size()]));
        return out;
    }

    /** float32 parameters against the double reference: a few float ulps of values around 1. */
    private static void assertCloseToReference(Map<String, Parameter> params, Map<String, double[]> reference,
            int step) {
        for (var entry : params.entrySet()) {
            double[] expected = reference.get(entry.getKey());
            Tensor actual = entry.getValue().value();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual.get(i), 2e-6, entry.getKey() + "[" + i + "] step " + step);
            }
        }
    }

    @Test
    void adamWMatchesTheFormulasInDoubleForSeveralSteps() {
        Net net = new Net(1);
        Map<String, Parameter> params = net.namedParameters();
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.1;
        AdamW adamW = AdamW.builder(params, lr).betas(b1, b2).eps(eps).weightDecay(wd).build();
        Map<String, double[]> p = doubles(params, true);
        Map<String, double[]> m = doubles(params, false);
        Map<String, double[]> v = doubles(params, false);
        for (int t = 1; t <= 4; t++) {
            setGradients(params, t);
            for (var entry : params.entrySet()) {
                String name = entry.getKey();
                double[] g = toDouble(entry.getValue().grad());
                double decay = adamW.decays(name) ? wd : 0;
                double[] pn = p.get(name);
                double[] mn = m.get(name);
                double[] vn = v.get(name);
                for (int i = 0; i < pn.length; i++) {
                    pn[i] *= 1 - lr * decay;
                    mn[i] = b1 * mn[i] + (1 - b1) * g[i];
                    vn[i] = b2 * vn[i] + (1 - b2) * g[i] * g[i];
                    double mHat = mn[i] / (1 - Math.pow(b1, t));
                    double vHat = vn[i] / (1 - Math.pow(b2, t));
                    pn[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
            }
            adamW.step();
            adamW.zeroGrad();
            assertCloseToReference(params, p, t);
        }
    }

    @Test
    void sgdWithMomentumAndWeightDecayMatchesTheFormulasInDouble() {
        Net net = new Net(2);
        Map<String, Parameter> params = net.namedParameters();
        double lr = 0.05;
        double mu = 0.9;
        double dampening = 0.1;
        double wd = 0.01;
        Sgd sgd = Sgd.builder(params, lr).momentum(mu).dampening(dampening).weightDecay(wd).build();
        Map<String, double[]> p = doubles(params, true);
        Map<String, double[]> buf = doubles(params, false);
        for (int t = 1; t <= 4; t++) {
            setGradients(params, t);
            for (var entry : params.entrySet()) {
                double[] g = toDouble(entry.getValue().grad());
                double[] pn = p.get(entry.getKey());
                double[] bn = buf.get(entry.getKey());
                for (int i = 0; i < pn.length; i++) {
                    double d = g[i] + wd * pn[i];
                    bn[i] = t == 1 ? d : mu * bn[i] + (1 - dampening) * d;
                    pn[i] -= lr * bn[i];
                }
            }
            sgd.step();
            sgd.zeroGrad();
            assertCloseToReference(params, p, t);
        }
    }

    @Test
    void biasesAndNormsAreExemptFromDecayByName() {
        AdamW adamW = AdamW.builder(new Net(1).namedParameters(), 1e-3).build();
        assertTrue(adamW.decays("dense.weight"));
        assertTrue(adamW.decays("head.weight"));
        assertFalse(adamW.decays("dense.bias"));
        assertFalse(adamW.decays("embeddings.LayerNorm.weight"));
        assertFalse(adamW.decays("layers.0.attention_norm.weight"));
        assertTrue(AdamW.isBiasOrNorm("encoder.layers.3.norm1.bias"));
        assertFalse(AdamW.isBiasOrNorm("encoder.layers.3.ffn.weight"));
        assertFalse(AdamW.isBiasOrNorm("weight"));

        // With zero gradients only decay moves a parameter: exempt ones stay bitwise put.
        Net net = new Net(3);
        Map<String, Parameter> params = net.namedParameters();
        Map<String, float[]> before = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            before.put(name, p.value().toArray());
            p.gradBuffer();
        });
        AdamW.builder(params, 0.1).weightDecay(0.5).build().step();
        params.forEach((name, p) -> {
            float[] after = p.value().toArray();
            if (AdamW.isBiasOrNorm(name)) {
                assertArrayEquals(before.get(name), after, name);
            } else {
                assertEquals(before.get(name)[0] * 0.95f, after[0], 1e-6f, name);
            }
        });
    }

    @Test
    void frozenParametersAndParametersWithoutGradientAreUntouchedAndGetNoState() {
        for (Function<Map<String, Parameter>, Optimizer> factory : List.<Function<Map<String, Parameter>, Optimizer>>of(
                params -> AdamW.builder(params, 0.1).build(),
                params -> Sgd.builder(params, 0.1).momentum(0.9).weightDecay(0.1).build())) {
            Net net = new Net(4);
            Map<String, Parameter> params = net.namedParameters();
            Parameter head = params.get("head.weight");
            head.setRequiresGrad(false);
            Optimizer optimizer = factory.apply(params);
            float[] headBefore = head.value().toArray();
            float[] biasBefore = params.get("dense.bias").value().toArray();
            for (int step = 0; step < 3; step++) {
                setGradients(params, step);
                params.get("dense.bias").zeroGrad();
                optimizer.step();
                optimizer.zeroGrad();
            }
            assertArrayEquals(headBefore, head.value().toArray());
            assertArrayEquals(biasBefore, params.get("dense.bias").value().toArray());
            assertNull(head.grad());
            OptimizerState state = optimizer.state();
            var stateNames = state.tensors().keySet();
            assertTrue(stateNames.stream().noneMatch(k -> k.startsWith("head.") || k.startsWith("dense.bias")),
                    stateNames.toString());
            assertFalse(state.scalars().containsKey("head.weight.step"));
            assertEquals(3.0, state.scalars().get("dense.weight.step"));
        }
    }

    private static Map<String, float[]> snapshot(Module net) {
        Map<String, float[]> values = new LinkedHashMap<>();
        net.namedParameters().forEach((name, p) -> values.put(name, p.value().toArray()));
        return values;
    }

    private static void train(Net net, Optimizer optimizer, LrSchedule schedule, int from, int to) {
        for (int step = from; step < to; step++) {
            schedule.apply(optimizer, step);
            setGradients(net.namedParameters(), step);
            GradClip.clipGlobalNorm(net.parameters(), 1.0);
            optimizer.step();
            optimizer.zeroGrad();
        }
    }

    @Test
    void restoredStateContinuesBitIdentically() {
        LrSchedule schedule = LrSchedule.cosine(0.05, 2, 10);
        for (Function<Map<String, Parameter>, Optimizer> factory : List.<Function<Map<String, Parameter>, Optimizer>>of(
                params -> AdamW.builder(params, 0).build(),
                params -> Sgd.builder(params, 0).momentum(0.9).weightDecay(0.01).build())) {
            Net original = new Net(5);
            Optimizer optimizer = factory.apply(original.namedParameters());
            train(original, optimizer, schedule, 0, 4);
            Map<String, Tensor> savedParams = new LinkedHashMap<>();
            original.stateDict().forEach((name, t) -> savedParams.put(name, t.copy()));
            OptimizerState savedState = optimizer.state();
            train(original, optimizer, schedule, 4, 9);

            Net resumed = new Net(99);
            resumed.loadStateDict(savedParams, true);
            Optimizer fresh = factory.apply(resumed.namedParameters());
            fresh.loadState(savedState);
            train(resumed, fresh, schedule, 4, 9);

            Map<String, float[]> a = snapshot(original);
            Map<String, float[]> b = snapshot(resumed);
            a.forEach((name, values) -> assertArrayEquals(values, b.get(name), name));
            assertEquals(optimizer.state().scalars(), fresh.state().scalars());
        }
    }

    @Test
    void loadStateNamesEveryProblem() {
        Net net = new Net(6);
        AdamW adamW = AdamW.builder(net.namedParameters(), 0.01).build();
        setGradients(net.namedParameters(), 0);
        adamW.step();
        OptimizerState good = adamW.state();
        Map<String, Tensor> tensors = new LinkedHashMap<>(good.tensors());
        tensors.put("dense.weight.exp_avg", Tensor.zeros(7, 5));
        tensors.remove("dense.bias.exp_avg_sq");
        tensors.put("ghost.weight.exp_avg", Tensor.zeros(1));
        var error = assertThrows(IllegalArgumentException.class,
                () -> adamW.loadState(new OptimizerState(tensors, good.scalars())));
        String message = error.getMessage();
        assertTrue(message.contains("shape mismatch for dense.weight.exp_avg: state [7, 5], parameter [5, 7]"),
                message);
        assertTrue(message.contains("missing dense.bias.exp_avg_sq"), message);
        assertTrue(message.contains("unexpected tensor ghost.weight.exp_avg"), message);
    }
}
