package lodi.autograd;

/** Gradient-mode controls: the no-grad scope and the tape's housekeeping. */
public final class Autograd {
    private Autograd() {
    }

    /**
     * A scope in which nothing is recorded and no activation is kept: {@code try (var scope =
     * Autograd.noGrad()) { ... }}. Scopes nest.
     */
    public static NoGrad noGrad() {
        Tape.current().enterNoGrad();
        return new NoGrad();
    }

    /** Whether ops on this thread record their backward. */
    public static boolean gradEnabled() {
        return Tape.gradEnabled();
    }

    /** Forgets what was recorded without back-propagating (for a forward pass whose loss is not used). */
    public static void clearTape() {
        Tape.current().clear();
    }

    /** How many ops are recorded on this thread's tape (tests use it to prove a scope recorded nothing). */
    public static int tapeSize() {
        return Tape.current().size();
    }

    /** The no-grad scope; closing it restores gradient recording. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Tape.current().exitNoGrad();
            }
        }
    }
}
