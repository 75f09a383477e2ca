package lodi.autograd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lodi.autograd.Parameter;
import lodi.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradClipTest {
    private static Parameter withGrad(float... grad) {
        Parameter p = new Parameter(Tensor.zeros(grad.length));
        p.gradBuffer().copyFrom(Tensor.of(grad.clone(), grad.length));
        return p;
    }

    @Test
    void clipsToMaxNormAndReturnsThePreClipNorm() {
        Parameter a = withGrad(3f, 0f);
        Parameter b = withGrad(0f, 4f, 0f);
        Parameter noGrad = new Parameter(Tensor.zeros(2));
        double norm = GradClip.clipGlobalNorm(List.of(a, b, noGrad), 1.0);
        assertEquals(5.0, norm, 1e-12);
        float scale = (float) (1.0 / (5.0 + 1e-6));
        assertArrayEquals(new float[] {3f * scale, 0f}, a.grad().toArray());
        assertArrayEquals(new float[] {0f, 4f * scale, 0f}, b.grad().toArray());
        assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-6);
    }

    @Test
    void leavesSmallGradientsAndFrozenParametersAlone() {
        Parameter a = withGrad(0.3f, 0.4f);
        assertEquals(0.5, GradClip.clipGlobalNorm(List.of(a), 1.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, 0.4f}, a.grad().toArray());
        Parameter frozen = withGrad(100f);
        frozen.setRequiresGrad(false);
        assertEquals(0.5, GradClip.globalNorm(List.of(a, frozen)), 1e-7);
    }

    @Test
    void nonFiniteNormIsReturnedUntouchedAndRequireFiniteNamesTheStep() {
        Parameter a = withGrad(1f, Float.NaN);
        Parameter b = withGrad(1e30f);
        double nan = GradClip.clipGlobalNorm(List.of(a, b), 1.0);
        assertTrue(Double.isNaN(nan));
        assertArrayEquals(new float[] {1e30f}, b.grad().toArray());
        var error = assertThrows(GradClip.NonFiniteGradientException.class, () -> GradClip.requireFinite(nan, 1234));
        assertEquals(1234, error.step());
        assertTrue(error.getMessage().contains("NaN at step 1234"), error.getMessage());
        assertEquals(2.5, GradClip.requireFinite(2.5, 7));
        Parameter inf = withGrad(Float.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, GradClip.clipGlobalNorm(List.of(inf), 1.0));
    }
}
