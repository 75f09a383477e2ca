package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lodi report} of a small finished grid, read as a file and, where Chromium is installed, as a browser shows it. */
class ReportTest {
    @TempDir
    static Path temp;
    private static Path page;
    private static String html;

    @BeforeAll
    static void reportASmallGrid() throws IOException {
        Path outputs = temp.resolve("outputs");
        LodiRun grid = LodiRun.of("reproduce", "--preset", "smoke", "--methods", "full_ft,lora_diffusion", "--seeds", "42,43",
                "--steps", "20", "--eval-every", "10", "--set", "pretraining.steps=5", "--outputs", outputs.toString());
        assertEquals(0, grid.code(), grid.err());
        LodiRun report = LodiRun.of("report", "--outputs", outputs.toString(), "--examples", "1");
        assertEquals(0, report.code(), report.err());
        page = outputs.resolve("report.html");
        html = Files.readString(page);
    }

    @Test
    void everyChartDrawsSomethingAndThePageNeedsNoNetwork() {
        List<String> charts = new ArrayList<>();
        Matcher svg = Pattern.compile("<svg class=\"chart\".*?</svg>", Pattern.DOTALL).matcher(html);
        while (svg.find()) {
            charts.add(svg.group());
        }
        assertEquals(7, charts.size(), "four evaluation curves, the training loss, the per-task bars, the frontier");
        for (String chart : charts) {
            assertTrue(chart.contains("<polyline class=\"series\"") || chart.contains("<rect class=\"bar\"")
                    || chart.contains("<circle class=\"point\""), "a chart with nothing drawn:\n" + chart);
        }
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").matches("(?s).*https?://.*"),
                "no address but the SVG namespace");
        assertFalse(html.contains("<script") || html.contains("<link") || html.contains("src="), "nothing to fetch");
        assertTrue(html.contains("SYNTHETIC data"), "the page says the data is synthetic");
        assertTrue(html.contains("preset smoke"), "the page says which grid it is");
        assertTrue(html.contains(" middle ") || html.contains(" late ") || html.contains(" early "),
                "lora_diffusion's trajectories name their phase");
    }

    @Test
    void theRunsTableHoldsTheCsvNumbers() throws IOException {
        List<String> csv = Files.readAllLines(page.resolveSibling("glue_multitask_results.csv"));
        List<String> header = List.of(csv.getFirst().split(","));
        for (String line : csv.subList(1, csv.size())) {
            String[] cells = line.split(",");
            StringBuilder row = new StringBuilder("<tr><td>" + cells[0] + "</td><td>" + cells[1] + "</td>");
            for (String key : List.of("best_token_accuracy", "final_token_accuracy", "generation_accuracy")) {
                row.append(String.format(Locale.ROOT, "<td>%.2f</td>", 100 * Double.parseDouble(cells[header.indexOf(key)])));
            }
            assertTrue(html.contains(row + "</tr>"), "the page has the CSV's row " + row);
        }
    }

    @Test
    void chromiumRendersThePageWithoutErrors() throws Exception {
        Path found = Chromium.find();
        String chromium = found == null ? null : found.toString();
        assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium): the browser check is skipped");
        Path png = temp.resolve("report.png");
        Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--enable-logging=stderr", "--v=0", "--window-size=1320,2400", "--screenshot=" + png, page.toUri().toString())
                .redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        assertTrue(Files.size(png) > 0, log);
        assertFalse(log.contains("CONSOLE"), "no console message:\n" + log);
        BufferedImage image = ImageIO.read(png.toFile());
        long inked = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                inked += rgb != 0xFFFFFF ? 1 : 0;
            }
        }
        double share = inked / (image.getWidth() * image.getHeight() / 4.0);
        assertTrue(share > 0.03, "the page drew something: " + share + " of the pixels are not white");
    }
}
