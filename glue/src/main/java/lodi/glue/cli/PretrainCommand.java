package lodi.glue.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import lodi.glue.experiment.BaseModel;
import lodi.glue.experiment.Experiment;
import lodi.glue.experiment.ExperimentConfig;
import lodi.model.bert.MiniLm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lodi pretrain}: only the base denoiser of a preset, cached for later runs. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain the base denoiser of a preset (masked diffusion on the training split, as pretraining.texts says;"
                + " from scratch, or from the MiniLM encoder for the minilm preset) and cache it under"
                + " OUTPUTS/cache/base-<hash>; 'reproduce' and 'train' then reuse it.")
public final class PretrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ExperimentOptions options;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ExperimentConfig config = options.config(List.of());
        if (!config.base().equals("pretrained") && !config.base().equals(MiniLm.NAME)) {
            throw new Lodi.UsageException("--base " + config.base() + " is used as it is: only 'pretrained' (from scratch)"
                    + " and 'minilm' bases are pretrained and cached");
        }
        Experiment experiment = ExperimentSetup.announce(config, out);
        BaseModel base = BaseModel.resolve(experiment, options.cacheRoot(), out);
        out.println("base model: " + base.location());
        out.flush();
        return 0;
    }
}
