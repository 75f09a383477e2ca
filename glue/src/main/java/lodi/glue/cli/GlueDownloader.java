package lodi.glue.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import lodi.glue.data.DataException;
import lodi.glue.data.GlueReader;
import lodi.glue.data.Task;

/**
 * Downloads the official GLUE files of SST-2, QNLI and MRPC into the layout {@link GlueReader} reads
 * ({@code DIR/SST-2/{train,dev}.tsv}, {@code DIR/QNLI/...}, {@code DIR/MRPC/...}).
 *
 * <p>Sources, relative to the URL base (default {@value #DEFAULT_URL_BASE}, which {@code --url-base} replaces
 * for a mirror):
 * <ul>
 *   <li>SST-2: {@code glue/data/SST-2.zip} (entries {@code SST-2/train.tsv}, {@code SST-2/dev.tsv})</li>
 *   <li>QNLI: {@code glue/data/QNLIv2.zip} (entries {@code QNLI/train.tsv}, {@code QNLI/dev.tsv})</li>
 *   <li>MRPC: {@code senteval/senteval_data/msr_paraphrase_train.txt} and {@code glue/data/mrpc_dev_ids.tsv}.
 *       GLUE's MRPC train/dev are rebuilt from them as GLUE's own download script does: the header line of
 *       the paraphrase file is copied, then each row (stripped of surrounding white space, five tab-separated
 *       fields) goes to dev.tsv when its (#1 ID, #2 ID) pair is listed in the dev ids and to train.tsv
 *       otherwise, written as {@code Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n}. The two source files are
 *       kept beside them (as {@code msr_paraphrase_train.txt} and {@code dev_ids.tsv}). The MSR test file is not
 *       needed: GLUE's MRPC test split has no labels.</li>
 * </ul>
 * Each task is fetched into a hidden temporary directory inside DIR, checked (zip readable, expected
 * entries present, every row parses with the right header, sha256 of the official files), and only then
 * moved to its final name; a failure deletes the temporary directory, so no half-written task directory is
 * ever left. A task whose directory already reads cleanly is skipped.
 */
public final class GlueDownloader implements AutoCloseable {
    public static final String DEFAULT_URL_BASE = "https://dl.fbaipublicfiles.com/";

    /** sha256 of the official files as laid out, by path under DIR (see shared/glue/PROVENANCE.md). */
    public static final Map<String, String> OFFICIAL_SHA256 = Map.of(
            "SST-2/train.tsv", "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1",
            "SST-2/dev.tsv", "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0",
            "QNLI/train.tsv", "3bb7026735a0d4cd439dc1ca6ea162e0c1cc8f962f52df9cc50ee8f8278e0c0e",
            "QNLI/dev.tsv", "ac19409dcb04631eaaa094bdebdcf621086bc352503dfb6a1a648b614986f4fd",
            "MRPC/msr_paraphrase_train.txt", "60a9b09084528f0673eedee2b69cb941920f0b8cd0eeccefc464a98768457f89",
            "MRPC/dev_ids.tsv", "971d7767d81b997fd9060ade0ec23c4fc31cbb226a55d1bd4a1bac474eb81dc7",
            "MRPC/train.tsv", "69abcedee3cf738c6ce58d772e43e1b7cdf5b4edee4aceda459c0d9f4e5599f3",
            "MRPC/dev.tsv", "9e8f284788040f7c9ecde2e1b3c07237c756f926bd9ef8548ef5d34b56f69f17");

    private static final List<String> SPLITS = List.of("train.tsv", "dev.tsv");

    private final HttpClient http;
    private final URI urlBase;
    private final Map<String, String> expectedSha256;
    private final PrintWriter progressOut;
    private final boolean tty;

    /**
     * @param urlBase        where the files are, e.g. {@value #DEFAULT_URL_BASE}
     * @param expectedSha256 sha256 to check, by path under DIR (paths absent from the map are not checked)
     * @param progressOut    where progress bars go
     * @param tty            whether {@code progressOut} is a terminal (progress redrawn in place)
     */
    public GlueDownloader(URI urlBase, Map<String, String> expectedSha256, PrintWriter progressOut, boolean tty) {
        String base = urlBase.toString();
        this.urlBase = URI.create(base.endsWith("/") ? base : base + "/");
        this.expectedSha256 = Map.copyOf(expectedSha256);
        this.progressOut = progressOut;
        this.tty = tty;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    @Override
    public void close() {
        http.close();
    }

    /** What {@link #download} did for a task. */
    public record Outcome(Task task, boolean skipped, int trainRows, int devRows) {
        public String summary() {
            return task.directoryName() + ": " + (skipped ? "already complete, skipped" : "downloaded") + " ("
                    + trainRows + " train / " + devRows + " dev)";
        }
    }

    /** Fetches, checks and lays out one task under {@code glueDir}, unless it is already complete there. */
    public Outcome download(Path glueDir, Task task) {
        Path target = glueDir.resolve(task.directoryName());
        if (Files.exists(target)) {
            try {
                int[] rows = check(task, target);
                return new Outcome(task, true, rows[0], rows[1]);
            } catch (DataException e) {
                throw new DataException(target + " exists but is not a complete " + task.directoryName()
                        + " directory (" + e.getMessage() + "); move or delete it and run download-glue again");
            }
        }
        Path staging;
        try {
            Files.createDirectories(glueDir);
            staging = Files.createTempDirectory(glueDir, "." + task.directoryName() + ".download-");
        } catch (IOException e) {
            throw new DataException(glueDir + ": cannot create the directory (" + e.getMessage() + ")", e);
        }
        try {
            Path taskDir = Files.createDirectory(staging.resolve(task.directoryName()));
            switch (task) {
                case SST2 -> fetchZip(task, "glue/data/SST-2.zip", staging, taskDir);
                case QNLI -> fetchZip(task, "glue/data/QNLIv2.zip", staging, taskDir);
                case MRPC -> fetchMrpc(taskDir);
            }
            verifySha256(task, taskDir);
            int[] rows = check(task, taskDir);
            moveInPlace(taskDir, target);
            return new Outcome(task, false, rows[0], rows[1]);
        } catch (IOException e) {
            throw new DataException(task.directoryName() + ": fetching into " + glueDir + " failed (" + e + ")", e);
        } finally {
            deleteRecursively(staging);
        }
    }

    private void fetchZip(Task task, String path, Path staging, Path taskDir) throws IOException {
        URI url = urlBase.resolve(path);
        Path archive = staging.resolve(Path.of(path).getFileName().toString());
        fetch(url, archive);
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (String split : SPLITS) {
                String name = task.directoryName() + "/" + split;
                ZipEntry entry = zip.getEntry(name);
                if (entry == null) {
                    List<String> names = zip.stream().map(ZipEntry::getName).limit(10).toList();
                    throw new DataException(url + ": the archive has no " + name + " (it holds " + names
                            + "); is --url-base pointing at the GLUE data?");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, taskDir.resolve(split));
                }
            }
        } catch (ZipException e) {
            throw new DataException(url + ": not a readable zip archive (" + e.getMessage()
                    + "); the download is corrupt or the URL serves something else; run download-glue again", e);
        }
    }

    private void fetchMrpc(Path taskDir) throws IOException {
        Path paraphrases = taskDir.resolve("msr_paraphrase_train.txt");
        Path devIds = taskDir.resolve("dev_ids.tsv");
        fetch(urlBase.resolve("senteval/senteval_data/msr_paraphrase_train.txt"), paraphrases);
        fetch(urlBase.resolve("glue/data/mrpc_dev_ids.tsv"), devIds);
        splitMrpc(paraphrases, devIds, taskDir.resolve("train.tsv"), taskDir.resolve("dev.tsv"));
    }

    /** Builds GLUE's MRPC train.tsv and dev.tsv from the MSR paraphrase file and the dev id pairs. */
    static void splitMrpc(Path paraphrases, Path devIds, Path train, Path dev) throws IOException {
        Set<List<String>> devPairs = new HashSet<>();
        for (String line : Files.readAllLines(devIds, StandardCharsets.UTF_8)) {
            if (!line.strip().isEmpty()) {
                devPairs.add(List.of(line.strip().split("\t", -1)));
            }
        }
        List<String> lines = Files.readAllLines(paraphrases, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new DataException(paraphrases + ": empty file; expected the MSR paraphrase corpus");
        }
        StringBuilder trainText = new StringBuilder(lines.getFirst()).append('\n');
        StringBuilder devText = new StringBuilder(lines.getFirst()).append('\n');
        Set<List<String>> devFound = new HashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] fields = lines.get(i).strip().split("\t", -1);
            if (fields.length != 5) {
                throw new DataException(paraphrases + ":" + (i + 1) + ": expected 5 tab-separated fields but found "
                        + fields.length + "; the MSR paraphrase file looks damaged, run download-glue again");
            }
            List<String> pair = List.of(fields[1], fields[2]);
            boolean isDev = devPairs.contains(pair);
            if (isDev) {
                devFound.add(pair);
            }
            (isDev ? devText : trainText).append(String.join("\t", fields)).append('\n');
        }
        if (devFound.size() != devPairs.size()) {
            throw new DataException(devIds + ": " + devPairs.size() + " dev id pairs but only " + devFound.size()
                    + " of them are in " + paraphrases.getFileName() + "; the two files do not belong together");
        }
        Files.writeString(train, trainText, StandardCharsets.UTF_8);
        Files.writeString(dev, devText, StandardCharsets.UTF_8);
    }

    /** GET {@code url} into {@code file}, with a progress bar. */
    private void fetch(URI url, Path file) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new DataException("GET " + url + " failed (" + e + "); check the network or --url-base", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("GET " + url + " interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new DataException("GET " + url + ": HTTP " + response.statusCode()
                        + "; check --url-base (default " + DEFAULT_URL_BASE + ")");
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            String label = "download " + file.getFileName();
            try (Progress progress = Progress.on(progressOut, tty, label, length, Progress.Unit.BYTES);
                 OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    progress.step(n);
                }
            }
            long size = Files.size(file);
            if (length >= 0 && size != length) {
                throw new DataException("GET " + url + ": got " + size + " of " + length
                        + " bytes; the connection broke, run download-glue again");
            }
        }
    }

    private void verifySha256(Task task, Path taskDir) throws IOException {
        try (Stream<Path> files = Files.list(taskDir)) {
            for (Path file : files.sorted().toList()) {
                String key = task.directoryName() + "/" + file.getFileName();
                String expected = expectedSha256.get(key);
                if (expected == null) {
                    continue;
                }
                String actual = sha256(file);
                if (!actual.equals(expected)) {
                    throw new DataException(key + " from " + urlBase + " has sha256 " + actual + " but the official"
                            + " file has " + expected + "; the mirror serves other data (pass --skip-checksums"
                            + " only if you trust it)");
                }
            }
        }
    }

    /** Reads train and dev strictly, returning their row counts; a bad file is a {@link DataException}. */
    private static int[] check(Task task, Path taskDir) {
        GlueReader reader = new GlueReader(false);
        int[] rows = new int[SPLITS.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = reader.readTsv(task, taskDir.resolve(SPLITS.get(i))).examples().size();
            if (rows[i] == 0) {
                throw new DataException(taskDir.resolve(SPLITS.get(i)) + ": no rows after the header");
            }
        }
        return rows;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void moveInPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            paths.sort(Comparator.reverseOrder());
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary directory " + root, e);
        }
    }
}
