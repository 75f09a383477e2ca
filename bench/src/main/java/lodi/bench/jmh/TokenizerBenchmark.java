package lodi.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lodi.model.tokenizer.WordPieceTokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH timing of {@link WordPieceTokenizer#encode} over every sentence of GLUE SST-2 train (67,349 phrases)
 * with the bert-base-uncased vocabulary, one thread. Paths are relative to the project root, where JMH is
 * run from; both files live in {@code ../shared}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
public class TokenizerBenchmark extends LodiBenchmark {
    @Param("../shared/bert-base-uncased/vocab.txt")
    public String vocab;

    @Param("../shared/glue/SST-2/train.tsv")
    public String sentences;

    private WordPieceTokenizer tokenizer;
    private List<String> texts;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        tokenizer = WordPieceTokenizer.load(Path.of(vocab));
        List<String> lines = Files.readAllLines(Path.of(sentences), StandardCharsets.UTF_8);
        texts = lines.subList(1, lines.size()).stream().map(line -> line.split("\t", -1)[0]).toList();
    }

    /** Returns the token count so that no encoding can be optimized away. */
    @Benchmark
    public long encodeAll() {
        long tokens = 0;
        for (String text : texts) {
            tokens += tokenizer.encode(text).length;
        }
        return tokens;
    }
}
