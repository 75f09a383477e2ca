package lodi.peft;

import java.util.ArrayList;
import java.util.List;
import lodi.model.bert.BertLayer;
import lodi.model.bert.Denoiser;

/**
 * {@code weight_lora} (Hu et al., 2021): W' = W + (α/r)·B·A on the configured projections of every layer
 * (default: query, key, value, attention.output.dense, intermediate.dense, output.dense). Each projection is
 * wrapped in place by a {@link LoraLinear}, as HuggingFace PEFT does; A is Kaiming-uniform, B zero, so the model
 * starts as the base. The base is frozen and its weights get no gradient GEMM. The rank is capped at the hidden
 * size. Parameter names follow HuggingFace PEFT: {@code bert.encoder.layer.0.attention.self.query.lora_A.weight},
 * the wrapped weight {@code ...query.base_layer.weight}.
 */
public final class WeightLora extends AbstractPeftModel {
    private final List<LoraLinear> adapted = new ArrayList<>();

    WeightLora(Denoiser base, WeightLoraConfig config, long seed) {
        super(base, config, name -> false);
        int rank = Math.min(config.rank(), base.config().hiddenSize());
        for (int i = 0; i < base.layers().size(); i++) {
            BertLayer layer = base.layers().get(i);
            for (String target : config.targetModules()) {
                String path = PeftConfig.TARGET_MODULES.get(target);
                LoraLinear lora = new LoraLinear(layer.projection(path), rank, config.alpha(), config.dropout(),
                        base::dropoutSeed, seed, stream("bert.encoder.layer." + i + "." + path + ".lora"));
                layer.replaceProjection(path, lora);
                adapted.add(lora);
            }
        }
    }

    /** Folds every low-rank update into its base weight (inference at the base's cost). */
    public void merge() {
        adapted.forEach(LoraLinear::merge);
    }

    /** Takes the updates out of the base weights again. */
    public void unmerge() {
        adapted.forEach(LoraLinear::unmerge);
    }
}
