package lodi.autograd;

/** A module of one input and one output: a {@link Linear}, or a layer that wraps one (a LoRA layer). */
public interface UnaryModule {
    Variable forward(Variable x);
}
