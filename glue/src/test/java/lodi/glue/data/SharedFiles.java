package lodi.glue.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only shared data ({@code ../shared} beside the project root) for tests that need it. */
public final class SharedFiles {
    private SharedFiles() {
    }

    /** A file under the shared directory; the calling test is skipped, saying why, when it is absent. */
    public static Path require(String relative) {
        Path root = projectRoot();
        Path file = root == null ? null : root.resolveSibling("shared").resolve(relative);
        assumeTrue(file != null && Files.exists(file),
                "shared data " + relative + " is absent (expected at ../shared/" + relative
                        + " beside the project root); this test needs it");
        return file;
    }

    /** The nearest ancestor of the working directory whose pom.xml is the parent (it lists modules). */
    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                    return dir;
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }
}
