package lodi.glue.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import lodi.peft.PeftMethod;

/** The methods × seeds grid of an experiment, run one after the other; complete runs are skipped. */
public final class Grid {
    private Grid() {
    }

    /** Runs every (method, seed) into {@code runsRoot}; returns how many were trained now. */
    public static int run(Experiment experiment, BaseModel base, List<PeftMethod> methods, List<Integer> seeds,
                          Path runsRoot, PrintWriter out) throws IOException {
        RunTrainer trainer = new RunTrainer(experiment, base, out);
        int trained = 0;
        int index = 0;
        for (PeftMethod method : methods) {
            for (int seed : seeds) {
                index++;
                out.printf("[%d/%d] ", index, methods.size() * seeds.size());
                trained += trainer.run(method, seed, RunTrainer.runDir(runsRoot, method, seed)).skipped() ? 0 : 1;
            }
        }
        return trained;
    }
}
