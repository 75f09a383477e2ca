package lodi.autograd;

/**
 * Inverted dropout, PyTorch's {@code nn.Dropout}, active only while the module is training.
 *
 * <p>Reproducible masks: each Dropout owns a stream (give every dropout site of a model its own), and the caller
 * passes a seed per step to {@link #forward}, e.g. {@code CounterRng.bits(runSeed, 0, step)}. The mask then
 * differs between steps and sites, yet a run replays exactly, whatever the thread count.
 */
public final class Dropout extends Module {
    private final float p;
    private final long stream;

    public Dropout(float p, long stream) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("Dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.stream = stream;
    }

    /** Drops elements of x with this step's seed while training; returns x unchanged in eval mode. */
    public Variable forward(Variable x, long stepSeed) {
        return RandomOps.dropout(x, p, stepSeed, stream, isTraining());
    }

    public float p() {
        return p;
    }

    public long stream() {
        return stream;
    }
}
