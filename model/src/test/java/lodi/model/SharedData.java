package lodi.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only data directory {@code ../shared} next to the project root, for tests that need it. */
public final class SharedData {
    private SharedData() {
    }

    /** The project root: the nearest directory above the working directory whose pom.xml lists the modules. */
    public static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && isParentPom(pom)) {
                return dir;
            }
        }
        throw new IllegalStateException("no parent pom.xml above " + Path.of("").toAbsolutePath());
    }

    /** {@code ../shared/<relative>} next to the project root; skips the calling test when it is absent. */
    public static Path require(String relative) {
        Path shared = projectRoot().resolveSibling("shared");
        Path path = shared.resolve(relative);
        assumeTrue(Files.exists(path), () -> "skipped: shared data " + path + " is absent (needs ../shared next to"
                + " the project root, see the project README)");
        return path;
    }

    private static boolean isParentPom(Path pom) {
        try {
            return Files.readString(pom).contains("<modules>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
