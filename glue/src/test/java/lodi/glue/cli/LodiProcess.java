package lodi.glue.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code lodi} command line as a separate operating-system process (the test's own JVM and class path), for
 * what an in-process run cannot show: two processes on one folder, a {@code kill -9}.
 */
public final class LodiProcess {
    private final Process process;
    private final Path log;

    private LodiProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code lodi args...} in {@code workDir}, its output (stdout and stderr) going to {@code log}. */
    public static LodiProcess start(Path workDir, Path log, String... args) throws IOException {
        return start(workDir, log, Map.of(), args);
    }

    /** As {@link #start(Path, Path, String...)}, with {@code environment} added to the process's environment. */
    public static LodiProcess start(Path workDir, Path log, Map<String, String> environment, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), Lodi.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new LodiProcess(process, log);
    }

    /** Waits for the exit (at most two minutes) and returns the exit code. */
    public int waitFor() throws IOException, InterruptedException {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("lodi did not finish in two minutes; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** Kills the process as {@code kill -9} does (no shutdown hooks, nothing flushed) and waits for it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks the process to stop, as Slurm and {@code kill} do (SIGTERM), and waits for its exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }
}
