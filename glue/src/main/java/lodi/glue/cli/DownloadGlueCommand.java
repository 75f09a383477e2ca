package lodi.glue.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import lodi.glue.data.Task;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lodi download-glue DIR}: fetches SST-2, QNLI and MRPC from the official GLUE sources. */
@Command(name = "download-glue", mixinStandardHelpOptions = true,
        description = {"Download the GLUE tasks SST-2, QNLI and MRPC into DIR/SST-2, DIR/QNLI and DIR/MRPC "
                + "(train.tsv, dev.tsv), checked against the official sha256. Tasks already complete are skipped.",
                "Files (under the URL base): glue/data/SST-2.zip, glue/data/QNLIv2.zip, "
                + "senteval/senteval_data/msr_paraphrase_train.txt and glue/data/mrpc_dev_ids.tsv "
                + "(MRPC train/dev are rebuilt from the last two by GLUE's fixed split)."})
public final class DownloadGlueCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to put the tasks in (created if needed).")
    private Path dir;

    @Option(names = "--url-base", paramLabel = "URL", defaultValue = GlueDownloader.DEFAULT_URL_BASE,
            description = "Where the files are (a mirror with the same paths). Default: ${DEFAULT-VALUE}")
    private String urlBase;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "Tasks to fetch, comma-separated: sst2, qnli, mrpc. Default: all three.")
    private List<String> tasks = List.of("sst2", "qnli", "mrpc");

    @Option(names = "--skip-checksums",
            description = "Accept files whose sha256 differs from the official ones (for a mirror you trust).")
    private boolean skipChecksums;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        URI base = parseUrlBase(urlBase);
        Set<Task> chosen = EnumSet.noneOf(Task.class);
        for (String name : tasks) {
            chosen.add(Task.parse(name));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> sha256 = skipChecksums ? Map.of() : GlueDownloader.OFFICIAL_SHA256;
        try (GlueDownloader downloader = new GlueDownloader(base, sha256, err, System.console() != null)) {
            for (Task task : chosen) {
                out.println(downloader.download(dir, task).summary());
                out.flush();
            }
        }
        if (skipChecksums) {
            out.println("sha256 not checked (--skip-checksums)");
        }
        return 0;
    }

    private static URI parseUrlBase(String text) {
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new Lodi.UsageException("--url-base must be an http or https URL, not '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new Lodi.UsageException("--url-base '" + text + "' is not a URL (" + e.getReason() + ")");
        }
    }
}
