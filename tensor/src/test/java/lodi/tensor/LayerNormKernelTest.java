package lodi.tensor;

import static lodi.tensor.KernelChecks.OFF;
import static lodi.tensor.KernelChecks.SIZES;
import static lodi.tensor.KernelChecks.assertClose;
import static lodi.tensor.KernelChecks.random;
import static lodi.tensor.KernelChecks.withThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class LayerNormKernelTest {
    /**
     * Vector (float statistics) against the double reference on inputs with mean 5 and spread 2:
     * forward |Δ| ≤ 1e-5 + 1e-5·|ref|, backward |Δ| ≤ 2e-5 + 1e-4·|ref| (the backward subtracts row means).
     */
    @Test
    void forwardAndBackwardVectorPathsMatchScalarReferences() {
        for (int cols : SIZES) {
            int rows = 4;
            float[] x = random(1, rows * cols, 2f);
            for (int i = OFF; i < x.length; i++) {
                x[i] += 5f;
            }
            float[] gamma = random(2, cols, 1f);
            float[] beta = random(3, cols, 1f);
            float[] yExpected = new float[OFF + rows * cols];
            float[] yActual = new float[OFF + rows * cols];
            float[] meanExpected = new float[OFF + rows];
            float[] meanActual = new float[OFF + rows];
            float[] rstdExpected = new float[OFF + rows];
            float[] rstdActual = new float[OFF + rows];
            LayerNormKernel.forwardScalar(rows, cols, x, OFF, gamma, OFF, beta, OFF, 1e-5f, yExpected, OFF,
                    meanExpected, OFF, rstdExpected, OFF);
            LayerNormKernel.forwardVector(rows, cols, x, OFF, gamma, OFF, beta, OFF, 1e-5f, yActual, OFF,
                    meanActual, OFF, rstdActual, OFF);
            assertClose(yExpected, yActual, 1e-5, 1e-5, "y cols=" + cols);
            assertClose(meanExpected, meanActual, 1e-5, 1e-6, "mean cols=" + cols);
            assertClose(rstdExpected, rstdActual, 1e-6, 1e-5, "rstd cols=" + cols);

            float[] dy = random(4, rows * cols, 1f);
            float[] dxExpected = random(5, rows * cols, 1f);
            float[] dxActual = dxExpected.clone();
            LayerNormKernel.backwardInputScalar(rows, cols, x, OFF, gamma, OFF, meanExpected, OFF, rstdExpected, OFF,
                    dy, OFF, dxExpected, OFF);
            LayerNormKernel.backwardInputVector(rows, cols, x, OFF, gamma, OFF, meanExpected, OFF, rstdExpected, OFF,
                    dy, OFF, dxActual, OFF);
            assertClose(dxExpected, dxActual, 2e-5, 1e-4, "dx cols=" + cols);
            float[] dgExpected = random(6, cols, 1f);
            float[] dgActual = dgExpected.clone();
            LayerNormKernel.addGammaGradScalar(rows, cols, cols, x, OFF, meanExpected, OFF, rstdExpected, OFF,
                    dy, OFF, dgExpected, OFF);
            LayerNormKernel.addGammaGradVector(rows, cols, cols, x, OFF, meanExpected, OFF, rstdExpected, OFF,
                    dy, OFF, dgActual, OFF);
            assertClose(dgExpected, dgActual, 2e-5, 1e-4, "dgamma cols=" + cols);
        }
    }

    @Test
    void parameterGradientsDoNotDependOnTheThreadCountAndSkipNullOutputs() {
        int rows = 301;
        int cols = 130;
        float[] x = random(7, rows * cols, 1f);
        float[] gamma = random(8, cols, 1f);
        float[] beta = random(9, cols, 1f);
        float[] dy = random(10, rows * cols, 1f);
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        float[] y = new float[OFF + rows * cols];
        LayerNormKernel.forward(rows, cols, x, OFF, gamma, OFF, beta, OFF, LayerNormKernel.DEFAULT_EPS, y, OFF,
                mean, 0, rstd, 0);
        float[][] one = withThreads(1, () -> gradients(rows, cols, x, gamma, mean, rstd, dy));
        float[][] two = withThreads(2, () -> gradients(rows, cols, x, gamma, mean, rstd, dy));
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], "gradient " + i);
        }
        float[] dbetaOnly = new float[cols];
        LayerNormKernel.backward(rows, cols, x, OFF, gamma, OFF, mean, 0, rstd, 0, dy, OFF, null, 0, null, 0,
                dbetaOnly, 0);
        assertArrayEquals(one[2], dbetaOnly);
    }

    private static float[][] gradients(int rows, int cols, float[] x, float[] gamma, float[] mean, float[] rstd,
                                       float[] dy) {
        float[] dx = new float[OFF + rows * cols];
        float[] dgamma = new float[cols];
        float[] dbeta = new float[cols];
        LayerNormKernel.backward(rows, cols, x, OFF, gamma, OFF, mean, 0, rstd, 0, dy, OFF, dx, OFF, dgamma, 0,
                dbeta, 0);
        return new float[][] {dx, dgamma, dbeta};
    }
}
