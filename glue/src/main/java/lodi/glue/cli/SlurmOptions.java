package lodi.glue.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code reproduce --emit slurm DIR}'s options: the array's width, each job's size, and the site's settings. */
final class SlurmOptions {
    @Option(names = "--max-parallel", paramLabel = "K", description = "With --emit slurm: at most K array tasks at once (default: 4).")
    Integer maxParallel;

    @Option(names = "--cpus-per-task", paramLabel = "N", description = "With --emit slurm: cores per job (default: the preset's: 2, 8 for paper).")
    Integer cpusPerTask;

    @Option(names = "--mem", paramLabel = "SIZE", description = "With --emit slurm: memory per job, as sbatch takes it (default: the preset's, e.g. 8G).")
    String memory;

    @Option(names = "--time", paramLabel = "LIMIT", description = "With --emit slurm: time limit per grid task, as sbatch takes it (default: the preset's, e.g. 02:00:00).")
    String time;

    @Option(names = "--pretrain-time", paramLabel = "LIMIT", description = "With --emit slurm: time limit of the pretrain and collect jobs (default: the preset's).")
    String pretrainTime;

    @Option(names = "--partition", paramLabel = "NAME", description = "With --emit slurm: the partition (default: the site's).")
    String partition;

    @Option(names = "--account", paramLabel = "NAME", description = "With --emit slurm: the account to charge.")
    String account;

    @Option(names = "--qos", paramLabel = "NAME", description = "With --emit slurm: the quality of service.")
    String qos;

    @Option(names = "--constraint", paramLabel = "FEATURES", description = "With --emit slurm: node features, e.g. avx512.")
    String constraint;

    @Option(names = "--sbatch", paramLabel = "OPTION", description = "With --emit slurm: one more #SBATCH line for every job, e.g. --sbatch=--exclusive (repeatable).")
    List<String> extraLines = new ArrayList<>();

    @Option(names = "--setup", paramLabel = "COMMAND", description = "With --emit slurm: a shell line every job runs first, e.g. --setup 'module load java/25' (repeatable).")
    List<String> setup = new ArrayList<>();

    /** Whether any of these was given (an error without --emit: nothing would use it). */
    boolean anyGiven() {
        return maxParallel != null || cpusPerTask != null || memory != null || time != null || pretrainTime != null
                || partition != null || account != null || qos != null || constraint != null || !extraLines.isEmpty()
                || !setup.isEmpty();
    }

    /** The settings, the preset's sizes where no option was given. */
    SlurmJobs.Settings settings(String preset) {
        // cpus, memory, grid task limit, pretrain limit: measured costs with room to spare
        List<String> sizes = switch (preset) {
            case "smoke" -> List.of("1", "2G", "00:10:00", "00:10:00");
            case "demo" -> List.of("2", "4G", "00:30:00", "00:30:00");
            case "cpu" -> List.of("2", "8G", "02:00:00", "01:00:00");
            case "minilm" -> List.of("2", "8G", "04:00:00", "01:00:00");
            default -> List.of("8", "32G", "48:00:00", "24:00:00");
        };
        if (maxParallel != null && maxParallel < 1 || cpusPerTask != null && cpusPerTask < 1) {
            throw new Lodi.UsageException("--max-parallel and --cpus-per-task must be at least 1");
        }
        return new SlurmJobs.Settings(maxParallel == null ? 4 : maxParallel,
                cpusPerTask == null ? Integer.parseInt(sizes.get(0)) : cpusPerTask, memory == null ? sizes.get(1) : memory,
                time == null ? sizes.get(2) : time, pretrainTime == null ? sizes.get(3) : pretrainTime, partition, account,
                qos, constraint, extraLines, setup);
    }
}
