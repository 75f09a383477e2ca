package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job scripts of {@code reproduce --emit slurm}, checked without Slurm (a stand-in sbatch records its calls). */
class SlurmJobsTest {
    @TempDir
    Path temp;

    private LodiRun emit(Path jobs, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("reproduce", "--emit", "slurm", jobs.toString(), "--preset",
                "smoke", "--methods", "full_ft,bitfit", "--seeds", "42,43,44", "--outputs", "relative-outputs"));
        args.addAll(List.of(extra));
        return LodiRun.of(args.toArray(String[]::new));
    }

    private static String bash(Path dir, String script) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output;
    }

    @Test
    void theArrayMapsEachTaskToOneGridPointInOrder() throws Exception {
        Path jobs = temp.resolve("jobs");
        LodiRun run = emit(jobs);
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("6 array tasks (2 methods x 3 seeds)"), run.out());
        String grid = Files.readString(jobs.resolve("grid.sbatch"));
        assertTrue(grid.contains("#SBATCH --array=0-5%4\n"), grid);
        assertTrue(grid.contains("#SBATCH --requeue\n") && grid.contains("#SBATCH --signal=B:USR1@120\n"), grid);
        assertTrue(grid.contains("#SBATCH --output=" + jobs.resolve("logs") + "/grid_%A_%a.out\n"), grid);
        String arrays = grid.lines().filter(l -> l.startsWith("methods=(") || l.startsWith("seeds=("))
                .reduce("", (a, b) -> a + b + "\n");
        String points = bash(temp, arrays + "for i in 0 1 2 3 4 5; do echo \"${methods[$i]} ${seeds[$i]}\"; done");
        assertEquals("full_ft 42\nfull_ft 43\nfull_ft 44\nbitfit 42\nbitfit 43\nbitfit 44\n", points);
        for (String name : List.of("pretrain.sbatch", "grid.sbatch", "collect.sbatch", "submit.sh")) {
            assertTrue(Files.isExecutable(jobs.resolve(name)), name);
        }
    }

    @Test
    void submitChainsPretrainGridAndCollectEachAfterTheOneBefore() throws Exception {
        Path jobs = temp.resolve("jobs");
        assertEquals(0, emit(jobs).code());
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path sbatch = Files.writeString(bin.resolve("sbatch"), """
                #!/bin/bash
                n=$(( $(wc -l < "$(dirname "$0")/calls" 2>/dev/null || echo 0) + 1 ))
                echo "$*" >> "$(dirname "$0")/calls"
                echo "$((100 + n));cluster"
                """);
        sbatch.toFile().setExecutable(true);
        String output = bash(temp, "PATH=" + bin + ":$PATH bash " + jobs.resolve("submit.sh"));
        List<String> calls = Files.readAllLines(bin.resolve("calls"));
        assertEquals(List.of("--parsable " + jobs.resolve("pretrain.sbatch"),
                "--parsable --dependency=afterok:101 " + jobs.resolve("grid.sbatch"),
                "--parsable --dependency=afterok:102 " + jobs.resolve("collect.sbatch")), calls);
        assertTrue(output.contains("submitted: pretrain 101 -> grid 102 (6 array tasks, at most 4 at once) -> collect 103"),
                output);
    }

    @Test
    void pathsAreAbsoluteAndOptionsWithSpacesStayOneWord() throws Exception {
        Path jobs = temp.resolve("jobs");
        LodiRun run = emit(jobs, "--set", "description=two words, it's", "--setup", "module load java/25",
                "--sbatch=--comment=a b", "--partition", "cpu", "--account", "lab", "--time", "00:20:00",
                "--max-parallel", "2");
        assertEquals(0, run.code(), run.err());
        String grid = Files.readString(jobs.resolve("grid.sbatch"));
        Path outputs = Path.of("relative-outputs").toAbsolutePath().normalize();
        assertTrue(grid.contains(" --outputs " + outputs + " "), grid);
        assertTrue(grid.contains(Path.of("").toAbsolutePath().getParent().resolve("lodi") + " train "), grid);
        assertTrue(grid.contains("#SBATCH --array=0-5%2\n#SBATCH --requeue"), grid);
        for (String line : List.of("#SBATCH --partition=cpu", "#SBATCH --account=lab", "#SBATCH --time=00:20:00",
                "#SBATCH --comment=a b", "module load java/25")) {
            assertTrue(grid.contains(line + "\n"), line + " in\n" + grid);
        }
        String command = grid.lines().filter(l -> l.contains(" train --method ")).findFirst().orElseThrow();
        // bash reads the quoted --set value back as the one word it was
        String words = bash(temp, "printf '%s\\n' " + command.substring(command.indexOf(" --set ")).replace(" &", ""));
        assertTrue(words.contains("\ndescription=two words, it's\n"), words);
    }

    @Test
    void jobOptionsWithoutEmitAndBadSettingsAreErrorsThatWriteNothing() {
        LodiRun stray = LodiRun.of("reproduce", "--preset", "smoke", "--max-parallel", "3");
        assertEquals(2, stray.code());
        assertTrue(stray.err().contains("go with --emit slurm DIR"), stray.err());
        Path jobs = temp.resolve("jobs");
        LodiRun bad = emit(jobs, "--set", "peft.full_ft.learning_rate=-1");
        assertEquals(2, bad.code());
        assertFalse(Files.exists(jobs), "nothing written for a configuration that would fail on the cluster");
        LodiRun kind = LodiRun.of("reproduce", "--emit", "pbs", jobs.toString());
        assertEquals(2, kind.code());
        assertTrue(kind.err().contains("--emit takes 'slurm DIR'"), kind.err());
    }
}
