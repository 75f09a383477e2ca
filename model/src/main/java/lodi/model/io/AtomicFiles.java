package lodi.model.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;

/**
 * Every file lodi writes goes through here: written whole to {@code NAME.tmp} beside it, then renamed over the
 * target in one atomic step. A reader, a crash or a full disk therefore sees the old file or the new one, never
 * a truncated one; a failed write removes its temporary file and names the target in its error.
 */
public final class AtomicFiles {
    /** Writes the whole content to the path it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path file) throws IOException;
    }

    private static volatile Predicate<Path> injectedFailure = file -> false;

    private AtomicFiles() {
    }

    /** Writes {@code target} through a temporary file and an atomic rename. */
    public static void write(Path target, Content content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            content.writeTo(temporary);
            if (injectedFailure.test(target)) {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.truncate(channel.size() / 2); // what a disk that filled mid-write leaves
                }
                throw new IOException("No space left on device (injected)");
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e.getMessage() != null && e.getMessage().startsWith(target.toString()) ? e
                    : new IOException(target + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, file -> Files.writeString(file, text, StandardCharsets.UTF_8));
    }

    /**
     * Makes every later write of a target that {@code failing} accepts fail as a full disk would, after half its
     * bytes (fault-injection tests); {@code file -> false} restores normal writing.
     */
    public static void injectFailures(Predicate<Path> failing) {
        injectedFailure = failing;
    }
}
