package lodi.glue.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium as the report's camera: a page in, a PNG out. */
final class Chromium {
    private Chromium() {
    }

    /** The Chromium on the PATH, or null. */
    static Path find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Renders {@code page} at width × height and saves it as {@code png}. */
    static void screenshot(Path page, int width, int height, Path png) throws IOException {
        Path chromium = find();
        if (chromium == null) {
            throw new Lodi.UsageException("a PNG needs headless Chromium, which is not installed: apt-get install chromium");
        }
        Path target = png.toAbsolutePath();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + target,
                page.toAbsolutePath().toUri().toString()).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.isRegularFile(target)) {
                throw new IOException(png + ": Chromium could not render " + page + ":\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(png + ": interrupted while Chromium rendered " + page, e);
        }
    }
}
