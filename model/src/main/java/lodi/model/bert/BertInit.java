package lodi.model.bert;

import lodi.autograd.Embedding;
import lodi.autograd.Init;
import lodi.autograd.Linear;

/**
 * BERT's initialisation: weights N(0, 0.02²), biases zero, LayerNorm one and zero. Each tensor draws from
 * a stream derived from its parameter name, so a model's initial weights depend on the seed and the names
 * alone, not on construction order.
 */
final class BertInit {
    static final float STD = 0.02f;

    private BertInit() {
    }

    static long stream(String name) {
        long h = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + name.charAt(i);
        }
        return h;
    }

    static Linear linear(int in, int out, long seed, String name) {
        Linear layer = new Linear(in, out, true, seed, stream(name));
        layer.weight().value().copyFrom(Init.normal(seed, stream(name + ".weight"), STD, out, in));
        layer.bias().value().zero();
        return layer;
    }

    static Embedding embedding(int count, int dim, long seed, String name) {
        return new Embedding(count, dim, seed, stream(name + ".weight"));
    }
}
