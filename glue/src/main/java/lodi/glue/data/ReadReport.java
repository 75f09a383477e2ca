package lodi.glue.data;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What reading one data file gave: how many examples, and which bad rows were skipped (only in skip mode;
 * in strict mode the first bad row is a {@link DataException}).
 *
 * @param file         the file read
 * @param examples     examples kept
 * @param skipped      bad rows skipped
 * @param skippedLines 1-based line numbers of the first few skipped rows
 * @param firstProblem what was wrong with the first skipped row, or null when none was skipped
 */
public record ReadReport(Path file, int examples, int skipped, List<Long> skippedLines, String firstProblem) {
    public ReadReport {
        skippedLines = List.copyOf(skippedLines);
    }

    /** One line for the user, e.g. {@code SST-2/train.tsv: 67347 examples, skipped 2 bad rows (lines 5, 9) ...}. */
    public String summary() {
        String kept = file + ": " + examples + " examples";
        if (skipped == 0) {
            return kept;
        }
        String lines = skippedLines.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String more = skipped > skippedLines.size() ? ", ..." : "";
        return kept + ", skipped " + skipped + " bad row" + (skipped == 1 ? "" : "s") + " (line"
                + (skipped == 1 ? " " : "s ") + lines + more + "); first: " + firstProblem;
    }
}
