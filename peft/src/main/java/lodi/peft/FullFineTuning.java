package lodi.peft;

import lodi.model.bert.Denoiser;

/** {@code full_ft}: every parameter of the denoiser trains. */
final class FullFineTuning extends AbstractPeftModel {
    FullFineTuning(Denoiser base, FullFineTuningConfig config) {
        super(base, config, name -> true);
    }
}
