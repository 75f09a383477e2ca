package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer normalisation over the last dimension, y = (x − mean)·rstd·gamma + beta with rstd = 1/√(var + eps)
 * and the biased variance (as PyTorch and BERT), and its backward pass.
 *
 * <p>Shape legend: R = rows (every leading dimension flattened), D = normalised dimension; x, y, dy, dx are
 * [R, D], gamma, beta and their gradients [D], mean and rstd [R].
 *
 * <p>The forward and dx are row-parallel (one task per row). dgamma and dbeta are column sums over rows:
 * each task owns a block of columns and adds the rows in order, so they are bitwise the same for any thread
 * count. The scalar reference computes row statistics in double.
 */
public final class LayerNormKernel {
    private static final VectorSpecies<Float> F = Simd.F;
    private static final int L = F.length();
    /** BERT's epsilon. */
    public static final float DEFAULT_EPS = 1e-12f;

    private LayerNormKernel() {
    }

    private static int grain(int cols) {
        return Math.max(1, 8192 / Math.max(1, cols));
    }

    /**
     * y = (x − mean)·rstd·gamma + beta per row, also writing each row's mean and rstd for the backward pass.
     */
    public static void forward(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff, float[] beta,
                               int betaOff, float eps, float[] y, int yOff, float[] mean, int meanOff, float[] rstd,
                               int rstdOff) {
        boolean simd = Simd.enabled();
        Parallel.forEach(rows, grain(cols), r -> {
            if (simd) {
                forwardVector(1, cols, x, xOff + r * cols, gamma, gammaOff, beta, betaOff, eps, y, yOff + r * cols,
                        mean, meanOff + r, rstd, rstdOff + r);
            } else {
                forwardScalar(1, cols, x, xOff + r * cols, gamma, gammaOff, beta, betaOff, eps, y, yOff + r * cols,
                        mean, meanOff + r, rstd, rstdOff + r);
            }
        });
    }

    static void forwardScalar(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff, float[] beta,
                              int betaOff, float eps, float[] y, int yOff, float[] mean, int meanOff, float[] rstd,
                              int rstdOff) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += x[xOff + row + c];
            }
            double mu = sum / cols;
            double squares = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[xOff + row + c] - mu;
                squares += d * d;
            }
            double inv = 1 / Math.sqrt(squares / cols + eps);
            for (int c = 0; c < cols; c++) {
                double xhat = (x[xOff + row + c] - mu) * inv;
                y[yOff + row + c] = (float) (xhat * gamma[gammaOff + c] + beta[betaOff + c]);
            }
            mean[meanOff + r] = (float) mu;
            rstd[rstdOff + r] = (float) inv;
        }
    }

    static void forwardVector(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff, float[] beta,
                              int betaOff, float eps, float[] y, int yOff, float[] mean, int meanOff, float[] rstd,
                              int rstdOff) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int in = xOff + r * cols;
            int out = yOff + r * cols;
            FloatVector sumAcc = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                sumAcc = sumAcc.add(FloatVector.fromArray(F, x, in + c));
            }
            float sum = VectorMath.sum(sumAcc);
            for (; c < cols; c++) {
                sum += x[in + c];
            }
            float mu = sum / cols;
            // two passes (Σ(x − mean)², not Σx² − mean²) so that a large mean does not cancel the variance
            FloatVector squareAcc = FloatVector.zero(F);
            c = 0;
            for (; c < upper; c += L) {
                FloatVector d = FloatVector.fromArray(F, x, in + c).sub(mu);
                squareAcc = d.fma(d, squareAcc);
            }
            float squares = VectorMath.sum(squareAcc);
            for (; c < cols; c++) {
                float d = x[in + c] - mu;
                squares += d * d;
            }
            float inv = (float) (1 / Math.sqrt(squares / cols + eps));
            c = 0;
            for (; c < upper; c += L) {
                FloatVector xhat = FloatVector.fromArray(F, x, in + c).sub(mu).mul(inv);
                xhat.fma(FloatVector.fromArray(F, gamma, gammaOff + c), FloatVector.fromArray(F, beta, betaOff + c))
                        .intoArray(y, out + c);
            }
            for (; c < cols; c++) {
                y[out + c] = (x[in + c] - mu) * inv * gamma[gammaOff + c] + beta[betaOff + c];
            }
            mean[meanOff + r] = mu;
            rstd[rstdOff + r] = inv;
        }
    }

    /**
     * Inverts y = xhat·gamma + beta, xhat = (x − mean)·rstd, accumulating into whichever of dx, dgamma, dbeta
     * is non-null:
     * dx += rstd·(g − mean_D(g) − xhat·mean_D(g·xhat)) with g = dy·gamma; dgamma += Σ_R dy·xhat;
     * dbeta += Σ_R dy.
     */
    public static void backward(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff, float[] mean,
                                int meanOff, float[] rstd, int rstdOff, float[] dy, int dyOff,
                                float[] dx, int dxOff, float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff) {
        boolean simd = Simd.enabled();
        if (dx != null) {
            Parallel.forEach(rows, grain(cols), r -> {
                int o = r * cols;
                if (simd) {
                    backwardInputVector(1, cols, x, xOff + o, gamma, gammaOff, mean, meanOff + r, rstd, rstdOff + r,
                            dy, dyOff + o, dx, dxOff + o);
                } else {
                    backwardInputScalar(1, cols, x, xOff + o, gamma, gammaOff, mean, meanOff + r, rstd, rstdOff + r,
                            dy, dyOff + o, dx, dxOff + o);
                }
            });
        }
        if (dgamma != null) {
            int tasks = (cols + Sums.COLUMN_TASK - 1) / Sums.COLUMN_TASK;
            Parallel.forEach(tasks, t -> {
                int from = t * Sums.COLUMN_TASK;
                int width = Math.min(Sums.COLUMN_TASK, cols - from);
                if (simd) {
                    addGammaGradVector(rows, width, cols, x, xOff + from, mean, meanOff, rstd, rstdOff, dy,
                            dyOff + from, dgamma, dgammaOff + from);
                } else {
                    addGammaGradScalar(rows, width, cols, x, xOff + from, mean, meanOff, rstd, rstdOff, dy,
                            dyOff + from, dgamma, dgammaOff + from);
                }
            });
        }
        if (dbeta != null) {
            // inverts y = … + beta (broadcast over rows)
            Sums.addColumnSums(rows, cols, dy, dyOff, dbeta, dbetaOff);
        }
    }

    static void backwardInputScalar(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff,
                                    float[] mean, int meanOff, float[] rstd, int rstdOff, float[] dy, int dyOff,
                                    float[] dx, int dxOff) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            double mu = mean[meanOff + r];
            double inv = rstd[rstdOff + r];
            double gSum = 0;
            double gxSum = 0;
            for (int c = 0; c < cols; c++) {
                double g = (double) dy[dyOff + row + c] * gamma[gammaOff + c];
                gSum += g;
                gxSum += g * (x[xOff + row + c] - mu) * inv;
            }
            double gMean = gSum / cols;
            double gxMean = gxSum / cols;
            for (int c = 0; c < cols; c++) {
                double g = (double) dy[dyOff + row + c] * gamma[gammaOff + c];
                double xhat = (x[xOff + row + c] - mu) * inv;
                dx[dxOff + row + c] += (float) (inv * (g - gMean - xhat * gxMean));
            }
        }
    }

    static void backwardInputVector(int rows, int cols, float[] x, int xOff, float[] gamma, int gammaOff,
                                    float[] mean, int meanOff, float[] rstd, int rstdOff, float[] dy, int dyOff,
                                    float[] dx, int dxOff) {
        int upper = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            float mu = mean[meanOff + r];
            float inv = rstd[rstdOff + r];
            float shift = -mu * inv;
            FloatVector gAcc = FloatVector.zero(F);
            FloatVector gxAcc = FloatVector.zero(F);
            int c = 0;
            for (; c < upper; c += L) {
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + row + c)
                        .mul(FloatVector.fromArray(F, gamma, gammaOff + c));
                FloatVector xhat = FloatVector.fromArray(F, x, xOff + row + c).fma(inv, shift);
                gAcc = gAcc.add(g);
                gxAcc = g.fma(xhat, gxAcc);
            }
            float gSum = VectorMath.sum(gAcc);
            float gxSum = VectorMath.sum(gxAcc);
            for (; c < cols; c++) {
                float g = dy[dyOff + row + c] * gamma[gammaOff + c];
                gSum += g;
                gxSum += g * (x[xOff + row + c] - mu) * inv;
            }
            float gMean = gSum / cols;
            float gxMean = gxSum / cols;
            c = 0;
            for (; c < upper; c += L) {
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + row + c)
                        .mul(FloatVector.fromArray(F, gamma, gammaOff + c));
                FloatVector xhat = FloatVector.fromArray(F, x, xOff + row + c).fma(inv, shift);
                FloatVector centred = xhat.mul(-gxMean).add(g).sub(gMean);
                centred.fma(FloatVector.broadcast(F, inv), FloatVector.fromArray(F, dx, dxOff + row + c))
                        .intoArray(dx, dxOff + row + c);
            }
            for (; c < cols; c++) {
                float g = dy[dyOff + row + c] * gamma[gammaOff + c];
                float xhat = (x[xOff + row + c] - mu) * inv;
                dx[dxOff + row + c] += inv * (g - gMean - xhat * gxMean);
            }
        }
    }

    /** dgamma[c] += Σ_r dy[r, c]·xhat[r, c] over columns [0, width) of matrices with leading dimension ld. */
    static void addGammaGradScalar(int rows, int width, int ld, float[] x, int xOff, float[] mean, int meanOff,
                                   float[] rstd, int rstdOff, float[] dy, int dyOff, float[] dgamma, int dgammaOff) {
        for (int c = 0; c < width; c++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                double xhat = ((double) x[xOff + r * ld + c] - mean[meanOff + r]) * rstd[rstdOff + r];
                sum += dy[dyOff + r * ld + c] * xhat;
            }
            dgamma[dgammaOff + c] += (float) sum;
        }
    }

    static void addGammaGradVector(int rows, int width, int ld, float[] x, int xOff, float[] mean, int meanOff,
                                   float[] rstd, int rstdOff, float[] dy, int dyOff, float[] dgamma, int dgammaOff) {
        int c = 0;
        // four strips at a time: each row then reads four adjacent cache lines of x and of dy
        for (; c + 4 * L <= width; c += 4 * L) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                int at = r * ld + c;
                // xhat = (x − mean)·rstd as one fma: x·rstd + (−mean·rstd)
                FloatVector inv = FloatVector.broadcast(F, rstd[rstdOff + r]);
                FloatVector shift = FloatVector.broadcast(F, -mean[meanOff + r] * rstd[rstdOff + r]);
                FloatVector xhat0 = FloatVector.fromArray(F, x, xOff + at).fma(inv, shift);
                FloatVector xhat1 = FloatVector.fromArray(F, x, xOff + at + L).fma(inv, shift);
                FloatVector xhat2 = FloatVector.fromArray(F, x, xOff + at + 2 * L).fma(inv, shift);
                FloatVector xhat3 = FloatVector.fromArray(F, x, xOff + at + 3 * L).fma(inv, shift);
                acc0 = FloatVector.fromArray(F, dy, dyOff + at).fma(xhat0, acc0);
                acc1 = FloatVector.fromArray(F, dy, dyOff + at + L).fma(xhat1, acc1);
                acc2 = FloatVector.fromArray(F, dy, dyOff + at + 2 * L).fma(xhat2, acc2);
                acc3 = FloatVector.fromArray(F, dy, dyOff + at + 3 * L).fma(xhat3, acc3);
            }
            int g = dgammaOff + c;
            acc0.add(FloatVector.fromArray(F, dgamma, g)).intoArray(dgamma, g);
            acc1.add(FloatVector.fromArray(F, dgamma, g + L)).intoArray(dgamma, g + L);
            acc2.add(FloatVector.fromArray(F, dgamma, g + 2 * L)).intoArray(dgamma, g + 2 * L);
            acc3.add(FloatVector.fromArray(F, dgamma, g + 3 * L)).intoArray(dgamma, g + 3 * L);
        }
        for (int upper = F.loopBound(width); c < upper; c += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                FloatVector xhat = FloatVector.fromArray(F, x, xOff + r * ld + c)
                        .fma(rstd[rstdOff + r], -mean[meanOff + r] * rstd[rstdOff + r]);
                acc = FloatVector.fromArray(F, dy, dyOff + r * ld + c).fma(xhat, acc);
            }
            acc.add(FloatVector.fromArray(F, dgamma, dgammaOff + c)).intoArray(dgamma, dgammaOff + c);
        }
        for (; c < width; c++) {
            float sum = 0f;
            for (int r = 0; r < rows; r++) {
                float xhat = (x[xOff + r * ld + c] - mean[meanOff + r]) * rstd[rstdOff + r];
                sum += dy[dyOff + r * ld + c] * xhat;
            }
            dgamma[dgammaOff + c] += sum;
        }
    }
}
