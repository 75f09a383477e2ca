package lodi.glue.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import lodi.model.io.AtomicFiles;
import lodi.peft.PeftMethod;

/**
 * The Slurm job scripts of a grid: {@code pretrain.sbatch} (the cached base, once), {@code grid.sbatch} (one
 * array task per grid point), {@code collect.sbatch} (the base alone and the tables, once every run is done) and
 * {@code submit.sh}, which chains them with {@code --dependency=afterok}. Nothing here schedules: Slurm does.
 *
 * <p>Array task {@code i} trains grid point {@code i}: method {@code methods[i / S]}, seed {@code seeds[i % S]} for
 * S seeds, in the order the grid lists them. A run folder is named by its grid point alone, never by a job id,
 * so that a requeued task finds its checkpoint. Before the time limit Slurm signals the batch shell, which asks
 * lodi to checkpoint (SIGTERM) and requeues the task; {@code scontrol requeue} and preemption send SIGTERM
 * themselves. Logs append, so a requeued task's log holds every attempt.
 */
final class SlurmJobs {
    /** Site and size settings, each from an option or the preset's default. */
    record Settings(int maxParallel, int cpusPerTask, String memory, String time, String pretrainTime,
                    String partition, String account, String qos, String constraint, List<String> extraLines,
                    List<String> setup) {
    }

    /** One grid point: the run of array task {@code index}. */
    record GridPoint(int index, PeftMethod method, int seed) {
    }

    private SlurmJobs() {
    }

    /** The grid's points in array order: methods outer, seeds inner. */
    static List<GridPoint> points(List<PeftMethod> methods, List<Integer> seeds) {
        List<GridPoint> points = new ArrayList<>();
        for (PeftMethod method : methods) {
            for (int seed : seeds) {
                points.add(new GridPoint(points.size(), method, seed));
            }
        }
        return points;
    }

    /**
     * The four files by name.
     *
     * @param lodi        the absolute path of the {@code lodi} launcher
     * @param workDir     the directory the jobs run in (relative values of {@code --set} resolve from it)
     * @param jobs        the folder the scripts and their logs go to
     * @param experiment  the experiment options every lodi command of the grid takes, paths absolute
     * @param pretrains   whether the base is pretrained and cached (else there is no pretrain job)
     */
    static Map<String, String> scripts(String name, Path lodi, Path workDir, Path jobs, List<String> experiment,
                                       List<GridPoint> points, boolean pretrains, Settings settings) {
        Path logs = jobs.resolve("logs");
        String args = experiment.stream().map(SlurmJobs::quote).collect(Collectors.joining(" "));
        Map<String, String> files = new LinkedHashMap<>();
        if (pretrains) {
            files.put("pretrain.sbatch", header(name + "-pretrain", "prepares the cached base once, before the grid",
                    settings, settings.pretrainTime(), workDir, logs.resolve("pretrain_%j.out"), List.of())
                    + "exec " + quote(lodi.toString()) + " pretrain " + args + "\n");
        }
        String methods = points.stream().map(p -> p.method().id()).collect(Collectors.joining(" "));
        String seeds = points.stream().map(p -> Integer.toString(p.seed())).collect(Collectors.joining(" "));
        files.put("grid.sbatch", header(name + "-grid", "one array task per (method, seed) grid point", settings,
                settings.time(), workDir, logs.resolve("grid_%A_%a.out"),
                List.of("--array=0-" + (points.size() - 1) + "%" + settings.maxParallel(), "--requeue",
                        "--signal=B:USR1@120"))
                + "# array task i trains methods[i], seeds[i]:\n"
                + "methods=(" + methods + ")\n"
                + "seeds=(" + seeds + ")\n"
                + "i=${SLURM_ARRAY_TASK_ID:?grid.sbatch is a Slurm array job: submit it with sbatch (see submit.sh)}\n"
                + "echo \"lodi grid task $i: ${methods[$i]} seed ${seeds[$i]} on $(hostname), job"
                + " ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, restart ${SLURM_RESTART_COUNT:-0}, $(date -Is)\"\n"
                + quote(lodi.toString()) + " train --method \"${methods[$i]}\" --seed \"${seeds[$i]}\" " + args + " &\n"
                + "lodi=$!\n"
                + "# before the time limit: lodi checkpoints at its current step and exits; the task goes back in the queue\n"
                + "checkpoint_and_requeue() {\n"
                + "    echo \"time limit near: checkpointing and requeueing\"\n"
                + "    kill -TERM \"$lodi\" 2>/dev/null || true\n"
                + "    wait \"$lodi\" || true   # exits 143 once its checkpoint is saved\n"
                + "    scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n"
                + "    exit 0\n"
                + "}\n"
                + "trap checkpoint_and_requeue USR1\n"
                + "status=0\n"
                + "wait $lodi || status=$?\n"
                + "exit $status\n");
        files.put("collect.sbatch", header(name + "-collect", "once every run is done: the base alone, then the"
                        + " tables (reproduce skips every finished run)", settings, settings.pretrainTime(), workDir,
                logs.resolve("collect_%j.out"), List.of())
                + "exec " + quote(lodi.toString()) + " reproduce " + args + " "
                + points.stream().map(p -> p.method().id()).distinct().collect(Collectors.joining(",", "--methods ", " "))
                + points.stream().map(p -> Integer.toString(p.seed())).distinct().collect(Collectors.joining(",", "--seeds ", ""))
                + "\n");
        files.put("submit.sh", submit(jobs, pretrains, points.size(), settings.maxParallel()));
        return files;
    }

    private static String header(String jobName, String what, Settings settings, String time, Path workDir, Path log,
                                 List<String> more) {
        List<String> lines = new ArrayList<>();
        lines.add("--job-name=" + jobName);
        lines.add("--output=" + log);
        lines.add("--open-mode=append");
        lines.add("--chdir=" + workDir);
        lines.add("--cpus-per-task=" + settings.cpusPerTask());
        lines.add("--mem=" + settings.memory());
        lines.add("--time=" + time);
        Map<String, String> site = new LinkedHashMap<>();
        site.put("partition", settings.partition());
        site.put("account", settings.account());
        site.put("qos", settings.qos());
        site.put("constraint", settings.constraint());
        site.forEach((option, value) -> {
            if (value != null) {
                lines.add("--" + option + "=" + value);
            }
        });
        lines.addAll(more);
        lines.addAll(settings.extraLines());
        StringBuilder text = new StringBuilder("#!/bin/bash\n# Written by 'lodi reproduce --emit slurm': " + what + ".\n");
        lines.forEach(line -> text.append("#SBATCH ").append(line).append('\n'));
        text.append("set -euo pipefail\n");
        settings.setup().forEach(line -> text.append(line).append('\n'));
        // the kernels' threads: what Slurm gave the task (results are the same bits for any thread count)
        text.append("export LODI_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"\n");
        return text.toString();
    }

    private static String submit(Path jobs, boolean pretrains, int tasks, int maxParallel) {
        String dir = quote(jobs.toString());
        StringBuilder text = new StringBuilder("""
                #!/bin/bash
                # Written by 'lodi reproduce --emit slurm': submits the grid's jobs, each after the one before succeeded.
                set -euo pipefail
                id() { echo "${1%%;*}"; }   # sbatch --parsable prints JOBID[;CLUSTER]
                """);
        if (pretrains) {
            text.append("pretrain=$(id \"$(sbatch --parsable ").append(dir).append("/pretrain.sbatch)\")\n");
            text.append("grid=$(id \"$(sbatch --parsable --dependency=afterok:$pretrain ").append(dir)
                    .append("/grid.sbatch)\")\n");
        } else {
            text.append("grid=$(id \"$(sbatch --parsable ").append(dir).append("/grid.sbatch)\")\n");
        }
        text.append("collect=$(id \"$(sbatch --parsable --dependency=afterok:$grid ").append(dir)
                .append("/collect.sbatch)\")\n");
        text.append("echo \"submitted: ").append(pretrains ? "pretrain $pretrain -> " : "").append("grid $grid (")
                .append(tasks).append(" array tasks, at most ").append(maxParallel)
                .append(" at once) -> collect $collect\"\n");
        text.append("echo \"watch them with: squeue --me; logs: ").append(jobs.resolve("logs"))
                .append("/; a cancelled task i resumes with: sbatch --array=i ").append(jobs.resolve("grid.sbatch"))
                .append("\"\n");
        return text.toString();
    }

    /** {@code value} as one bash word. */
    static String quote(String value) {
        return value.matches("[A-Za-z0-9_./=:,@%+-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    /** Writes the scripts into {@code jobs} (and an empty {@code logs/}), executable. */
    static void write(Path jobs, Map<String, String> files) throws IOException {
        Files.createDirectories(jobs.resolve("logs"));
        for (var file : files.entrySet()) {
            Path path = jobs.resolve(file.getKey());
            AtomicFiles.writeString(path, file.getValue());
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
