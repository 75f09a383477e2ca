package lodi.model.bert;

import lodi.autograd.Module;
import lodi.autograd.Variable;

/**
 * A module inserted after a sub-layer's output projection, before the residual connection (where Houlsby
 * adapters go). It maps hidden states [R, D] to hidden states [R, D] and includes its own skip path.
 */
public abstract class OutputAdapter extends Module {
    public abstract Variable forward(Variable hidden);
}
