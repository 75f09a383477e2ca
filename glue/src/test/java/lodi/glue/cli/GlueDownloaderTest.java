package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import lodi.glue.data.DataException;
import lodi.glue.data.GlueData;
import lodi.glue.data.SharedFiles;
import lodi.glue.data.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a loopback HTTP server serving small archives built here; nothing leaves 127.0.0.1. */
class GlueDownloaderTest {
    private static final String MSR_HEADER = "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n";

    @TempDir
    Path dir;

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final StringWriter progress = new StringWriter();
    private HttpServer server;
    private URI base;

    @BeforeEach
    void serve() throws IOException {
        files.put("/glue/data/SST-2.zip", zip(Map.of(
                "SST-2/train.tsv", "sentence\tlabel\na \" fine film \t1\na dull one \t0\n",
                "SST-2/dev.tsv", "sentence\tlabel\nlovely \t1\n",
                "SST-2/test.tsv", "index\tsentence\n0\tunlabelled\n")));
        files.put("/glue/data/QNLIv2.zip", zip(Map.of(
                "QNLI/train.tsv", "index\tquestion\tsentence\tlabel\n0\tWho?\tMe.\tentailment\n",
                "QNLI/dev.tsv", "index\tquestion\tsentence\tlabel\n0\tWhen?\tNever.\tnot_entailment\n")));
        files.put("/senteval/senteval_data/msr_paraphrase_train.txt", (MSR_HEADER
                + "1\t11\t12\tA said .\tA stated .\n"
                + "0\t21\t22\tB rose .\tB fell .  \n"
                + "1\t31\t32\tC \" won .\tC won .\n").getBytes(StandardCharsets.UTF_8));
        files.put("/glue/data/mrpc_dev_ids.tsv", "21\t22\n".getBytes(StandardCharsets.UTF_8));

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = files.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private GlueDownloader downloader(Map<String, String> sha256) {
        return new GlueDownloader(base, sha256, new PrintWriter(progress), false);
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void assertFailsLeavingNothing(Task task, Map<String, String> sha256, String expected) throws IOException {
        try (GlueDownloader downloader = downloader(sha256)) {
            DataException e = assertThrows(DataException.class, () -> downloader.download(dir, task));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
        assertEquals(List.of(), entries(), "no task or temporary directory is left");
    }

    @Test
    void downloadsTheThreeTasksIntoTheGlueLayout() throws IOException {
        try (GlueDownloader downloader = downloader(Map.of())) {
            for (Task task : Task.values()) {
                assertFalse(downloader.download(dir, task).skipped());
            }
        }
        assertEquals(List.of("MRPC", "QNLI", "SST-2"), entries(), "no temporary directory is left");
        GlueData data = GlueData.load(dir);
        assertEquals("a \" fine film ", data.train(Task.SST2).getFirst().a());
        assertEquals(1, data.dev(Task.QNLI).getFirst().label());
        assertEquals(List.of("A said .", "C \" won ."), data.train(Task.MRPC).stream().map(e -> e.a()).toList());
        assertEquals(List.of("B fell ."), data.dev(Task.MRPC).stream().map(e -> e.b()).toList());
        assertEquals(MSR_HEADER + "0\t21\t22\tB rose .\tB fell .\n", Files.readString(dir.resolve("MRPC/dev.tsv")));
        assertTrue(progress.toString().contains("download SST-2.zip [####################] 100%"), progress.toString());
    }

    @Test
    void rerunSkipsCompleteTasksWithoutFetching() {
        try (GlueDownloader downloader = downloader(Map.of())) {
            downloader.download(dir, Task.SST2);
            int before = requests.get();
            GlueDownloader.Outcome again = downloader.download(dir, Task.SST2);
            assertTrue(again.skipped());
            assertEquals("SST-2: already complete, skipped (2 train / 1 dev)", again.summary());
            assertEquals(before, requests.get());
        }
    }

    @Test
    void notFoundIsOneClearErrorAndLeavesNothing() throws IOException {
        files.remove("/glue/data/QNLIv2.zip");
        assertFailsLeavingNothing(Task.QNLI, Map.of(), "GET " + base + "glue/data/QNLIv2.zip: HTTP 404");
    }

    @Test
    void corruptZipIsOneClearErrorAndLeavesNothing() throws IOException {
        files.put("/glue/data/SST-2.zip", "<html>not a zip</html>".getBytes(StandardCharsets.UTF_8));
        assertFailsLeavingNothing(Task.SST2, Map.of(), "SST-2.zip: not a readable zip archive");
    }

    @Test
    void archiveWithoutDevSplitIsRejected() throws IOException {
        files.put("/glue/data/SST-2.zip", zip(Map.of("SST-2/train.tsv", "sentence\tlabel\na\t1\n")));
        assertFailsLeavingNothing(Task.SST2, Map.of(), "the archive has no SST-2/dev.tsv");
    }

    @Test
    void badRowsInTheDownloadAreRejected() throws IOException {
        files.put("/glue/data/QNLIv2.zip", zip(Map.of(
                "QNLI/train.tsv", "index\tquestion\tsentence\tlabel\n0\tWho?\tMe.\tmaybe\n",
                "QNLI/dev.tsv", "index\tquestion\tsentence\tlabel\n0\tWhen?\tNever.\tentailment\n")));
        assertFailsLeavingNothing(Task.QNLI, Map.of(), "train.tsv:2: unknown label 'maybe'");
    }

    @Test
    void checksumMismatchIsRejected() throws IOException {
        assertFailsLeavingNothing(Task.MRPC, Map.of("MRPC/dev.tsv", "0".repeat(64)),
                "MRPC/dev.tsv from " + base + " has sha256 ");
    }

    @Test
    void devIdsNotInTheParaphraseFileAreRejected() throws IOException {
        files.put("/glue/data/mrpc_dev_ids.tsv", "21\t22\n99\t98\n".getBytes(StandardCharsets.UTF_8));
        assertFailsLeavingNothing(Task.MRPC, Map.of(), "2 dev id pairs but only 1");
    }

    @Test
    void anIncompleteExistingDirectoryIsLeftAlone() throws IOException {
        Files.createDirectories(dir.resolve("SST-2"));
        Files.writeString(dir.resolve("SST-2/train.tsv"), "sentence\tlabel\nmine\t1\n");
        try (GlueDownloader downloader = downloader(Map.of())) {
            DataException e = assertThrows(DataException.class, () -> downloader.download(dir, Task.SST2));
            assertTrue(e.getMessage().contains("exists but is not a complete SST-2 directory"), e.getMessage());
        }
        assertEquals("sentence\tlabel\nmine\t1\n", Files.readString(dir.resolve("SST-2/train.tsv")));
    }

    /** The MRPC split reproduces the official train.tsv and dev.tsv byte for byte (see PROVENANCE.md). */
    @Test
    void mrpcSplitMatchesTheOfficialFiles() throws IOException {
        Path paraphrases = SharedFiles.require("glue/MRPC/msr_paraphrase_train.txt");
        Path devIds = SharedFiles.require("glue/MRPC/dev_ids.tsv");
        GlueDownloader.splitMrpc(paraphrases, devIds, dir.resolve("train.tsv"), dir.resolve("dev.tsv"));
        Map<String, Path> files = Map.of("MRPC/train.tsv", dir.resolve("train.tsv"), "MRPC/dev.tsv",
                dir.resolve("dev.tsv"), "MRPC/msr_paraphrase_train.txt", paraphrases, "MRPC/dev_ids.tsv", devIds);
        for (var file : files.entrySet()) {
            assertEquals(GlueDownloader.OFFICIAL_SHA256.get(file.getKey()), GlueDownloader.sha256(file.getValue()),
                    file.getKey());
        }
    }

    private int lodi(StringWriter out, StringWriter err, String... args) {
        var cli = Lodi.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void commandDownloadsAndReports() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String target = dir.resolve("glue").toString();
        assertEquals(0, lodi(out, err, "download-glue", target, "--url-base", base.toString(), "--tasks", "sst2,mrpc",
                "--skip-checksums"), err.toString());
        assertTrue(out.toString().contains("SST-2: downloaded (2 train / 1 dev)"), out.toString());
        assertTrue(out.toString().contains("MRPC: downloaded (2 train / 1 dev)"), out.toString());
        assertTrue(out.toString().contains("sha256 not checked"), out.toString());
        assertTrue(Files.exists(dir.resolve("glue/MRPC/dev_ids.tsv")));
    }

    @Test
    void commandErrorsAreOneLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String target = dir.resolve("glue").toString();
        assertEquals(2, lodi(out, err, "download-glue", target, "--url-base", base.toString(), "--tasks", "sst2"));
        List<String> errors = err.toString().lines().filter(l -> l.startsWith("lodi:")).toList();
        assertEquals(1, errors.size(), err.toString());
        assertTrue(errors.getFirst().startsWith("lodi: SST-2/dev.tsv from " + base + " has sha256"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace");

        assertEquals(Lodi.USAGE_ERROR, lodi(out, new StringWriter(), "download-glue", target,
                "--url-base", base.toString(), "--tasks", "cola"));
        StringWriter badUrl = new StringWriter();
        assertEquals(Lodi.USAGE_ERROR, lodi(out, badUrl, "download-glue", target, "--url-base", "ftp://example"));
        assertTrue(badUrl.toString().contains("--url-base must be an http or https URL"), badUrl.toString());
    }
}
