package lodi.autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An indexed list of modules whose parameters are named by position: {@code layers.0.…}, {@code layers.1.…}. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public M add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return module;
    }

    public M get(int index) {
        return items.get(index);
    }

    public int size() {
        return items.size();
    }

    public List<M> items() {
        return Collections.unmodifiableList(items);
    }
}
