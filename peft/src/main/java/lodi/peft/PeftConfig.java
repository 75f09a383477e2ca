package lodi.peft;

/**
 * A method and its settings. Each method reads the settings it has and ignores the others; the defaults
 * are the reference's. This record grows with the methods (rank, alpha, bottleneck, phases, ...).
 */
public record PeftConfig(PeftMethod method) {
    /** The reference's defaults for {@code method}. */
    public static PeftConfig defaults(PeftMethod method) {
        return new PeftConfig(method);
    }
}
