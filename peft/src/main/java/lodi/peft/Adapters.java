package lodi.peft;

import lodi.model.bert.BertLayer;
import lodi.model.bert.Denoiser;

/**
 * {@code adapters} (Houlsby et al., 2019): a {@link HoulsbyAdapter} after the attention output projection and
 * after the FFN output projection of every layer ({@code bert.encoder.layer.i.attention.output.adapter.*},
 * {@code bert.encoder.layer.i.output.adapter.*}); the base is frozen. Bottleneck m = d/3 unless configured.
 */
final class Adapters extends AbstractPeftModel {
    Adapters(Denoiser base, AdaptersConfig config, long seed) {
        super(base, config, name -> false);
        int d = base.config().hiddenSize();
        int m = config.bottleneckFor(d);
        for (int i = 0; i < base.layers().size(); i++) {
            BertLayer layer = base.layers().get(i);
            String name = "bert.encoder.layer." + i;
            layer.setAttentionAdapter(new HoulsbyAdapter(d, m, seed, name + ".attention.output.adapter"));
            layer.setOutputAdapter(new HoulsbyAdapter(d, m, seed, name + ".output.adapter"));
        }
    }
}
