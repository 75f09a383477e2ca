package lodi.peft;

import lodi.autograd.optim.AdamW;
import lodi.model.bert.Denoiser;

/**
 * {@code bitfit} (Ben Zaken et al., 2022): only the biases and the LayerNorm parameters train, everything else
 * is frozen. The rule is AdamW's decay exemption: a name ending in {@code bias}, or a parameter of a module
 * whose name contains {@code norm}.
 */
final class BitFit extends AbstractPeftModel {
    BitFit(Denoiser base, BitFitConfig config) {
        super(base, config, AdamW::isBiasOrNorm);
    }
}
