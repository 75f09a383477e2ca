package lodi.glue.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG, drawn by hand: line charts with a band, grouped bars with error bars and
 * reference lines, and a scatter with error bars. No script and no external file, so a page opens from disk and
 * looks the same everywhere. Axes are linear (the scatter's x may be logarithmic); ticks are at round values.
 */
final class Svg {
    static final int WIDTH = 620;
    static final int HEIGHT = 300;
    private static final int LEFT = 56;
    private static final int RIGHT = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 42;

    /** One line: its points and, at each, a band from low to high (the spread over seeds). */
    record Series(String name, String color, double[] x, double[] y, double[] low, double[] high) {
    }

    /** One bar group's bar: a mean with an error of ± error. */
    record Bar(String name, String color, double mean, double error) {
    }

    /** One point with an error bar on y. */
    record Point(String name, String color, double x, double y, double error) {
    }

    private Svg() {
    }

    static String lines(String title, String xLabel, String yLabel, List<Series> series) {
        double[] xr = range(series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).toArray(), false);
        double[] yr = range(series.stream().flatMapToDouble(s -> java.util.stream.DoubleStream.concat(
                java.util.Arrays.stream(s.low()), java.util.Arrays.stream(s.high()))).toArray(), true);
        Frame f = new Frame(xr[0], xr[1], yr[0], yr[1], false);
        StringBuilder svg = open(title, xLabel, yLabel, f);
        int i = 0;
        for (Series s : series) {
            StringBuilder band = new StringBuilder();
            for (int k = 0; k < s.x().length; k++) {
                band.append(f.x(s.x()[k])).append(',').append(f.y(s.high()[k])).append(' ');
            }
            for (int k = s.x().length - 1; k >= 0; k--) {
                band.append(f.x(s.x()[k])).append(',').append(f.y(s.low()[k])).append(' ');
            }
            svg.append("<polygon class=\"band\" points=\"").append(band.toString().strip()).append("\" fill=\"")
                    .append(s.color()).append("\" fill-opacity=\"0.15\" stroke=\"none\"/>\n");
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < s.x().length; k++) {
                line.append(f.x(s.x()[k])).append(',').append(f.y(s.y()[k])).append(' ');
            }
            svg.append("<polyline class=\"series\" points=\"").append(line.toString().strip())
                    .append("\" fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"/>\n");
            legend(svg, i++, s.name(), s.color());
        }
        return svg.append("</svg>\n").toString();
    }

    static String bars(String title, String yLabel, List<String> groups, List<List<Bar>> bars, double[] references,
                       String referenceName) {
        double max = 0;
        for (List<Bar> group : bars) {
            for (Bar b : group) {
                max = Math.max(max, b.mean() + b.error());
            }
        }
        for (double r : references) {
            max = Math.max(max, r);
        }
        Frame f = new Frame(0, groups.size(), 0, niceCeiling(max), false);
        StringBuilder svg = open(title, "", yLabel, f);
        double slot = (f.xValue(1) - f.xValue(0));
        for (int g = 0; g < groups.size(); g++) {
            List<Bar> group = bars.get(g);
            double width = slot * 0.8 / Math.max(1, group.size());
            for (int b = 0; b < group.size(); b++) {
                Bar bar = group.get(b);
                double x = f.xValue(g) + slot * 0.1 + b * width;
                svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                                + " fill=\"%s\"><title>%s %s: %.2f ± %.2f</title></rect>%n", x, f.yValue(bar.mean()), width * 0.9,
                        f.yValue(0) - f.yValue(bar.mean()), bar.color(), escape(groups.get(g)), escape(bar.name()), bar.mean(), bar.error()));
                double cx = x + width * 0.45;
                svg.append(String.format(Locale.ROOT, "<line class=\"error\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                        + " stroke=\"#222\"/>%n", cx, f.yValue(bar.mean() + bar.error()), cx, f.yValue(Math.max(0, bar.mean() - bar.error()))));
            }
            if (g < references.length && !Double.isNaN(references[g])) {
                svg.append(String.format(Locale.ROOT, "<line class=\"reference\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                                + " stroke=\"#000\" stroke-dasharray=\"5,3\"><title>%s %s: %.2f</title></line>%n", f.xValue(g) + 2,
                        f.yValue(references[g]), f.xValue(g + 1) - 2, f.yValue(references[g]), escape(referenceName), escape(groups.get(g)),
                        references[g]));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    f.xValue(g + 0.5), HEIGHT - BOTTOM + 16, escape(groups.get(g))));
        }
        if (!bars.isEmpty()) {
            int i = 0;
            for (Bar b : bars.getFirst()) {
                legend(svg, i++, b.name(), b.color());
            }
            legendLine(svg, i, referenceName);
        }
        return svg.append("</svg>\n").toString();
    }

    static String scatter(String title, String xLabel, String yLabel, List<Point> points) {
        double[] xs = points.stream().mapToDouble(p -> Math.log10(p.x())).toArray();
        double[] xr = {Math.floor(java.util.Arrays.stream(xs).min().orElse(0)), Math.ceil(java.util.Arrays.stream(xs).max().orElse(1))};
        if (xr[1] <= xr[0]) {
            xr[1] = xr[0] + 1;
        }
        double[] yr = range(points.stream().flatMapToDouble(p -> java.util.stream.DoubleStream.of(p.y() - p.error(),
                p.y() + p.error())).toArray(), true);
        Frame f = new Frame(xr[0], xr[1], yr[0], yr[1], true);
        StringBuilder svg = open(title, xLabel, yLabel, f);
        int i = 0;
        for (Point p : points) {
            double cx = f.xValue(Math.log10(p.x()));
            svg.append(String.format(Locale.ROOT, "<line class=\"error\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                    cx, f.yValue(p.y() + p.error()), cx, f.yValue(p.y() - p.error()), p.color()));
            svg.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\">"
                    + "<title>%s: %.3g%% trainable, %.2f ± %.2f</title></circle>%n", cx, f.yValue(p.y()), p.color(), escape(p.name()),
                    p.x(), p.y(), p.error()));
            legend(svg, i++, p.name(), p.color());
        }
        return svg.append("</svg>\n").toString();
    }

    /** Data to pixels, and the axes with round ticks. */
    private record Frame(double x0, double x1, double y0, double y1, boolean logX) {
        String x(double v) {
            return String.format(Locale.ROOT, "%.1f", xValue(v));
        }

        double xValue(double v) {
            return LEFT + (v - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
        }

        String y(double v) {
            return String.format(Locale.ROOT, "%.1f", yValue(v));
        }

        double yValue(double v) {
            return HEIGHT - BOTTOM - (v - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static StringBuilder open(String title, String xLabel, String yLabel, Frame f) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
                + " height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<title>").append(escape(title)).append("</title>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape(title)));
        double plotRight = WIDTH - RIGHT;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotRight - LEFT, HEIGHT - TOP - BOTTOM));
        for (double t : ticks(f.y0(), f.y1())) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, f.yValue(t), plotRight, f.yValue(t),
                    LEFT - 4, f.yValue(t) + 4, number(t)));
        }
        if (!xLabel.isEmpty()) {
            for (double t : f.logX() ? logTicks(f.x0(), f.x1()) : ticks(f.x0(), f.x1())) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                        f.xValue(t), HEIGHT - BOTTOM + 14, f.logX() ? number(Math.pow(10, t)) : number(t)));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    (LEFT + plotRight) / 2, HEIGHT - 6, escape(xLabel)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>%n",
                HEIGHT / 2, HEIGHT / 2, escape(yLabel)));
        return svg;
    }

    private static void legend(StringBuilder svg, int i, String name, String color) {
        int y = TOP + 8 + 16 * i;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/>"
                + "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 10, y - 9, color, WIDTH - RIGHT + 26, y, escape(name)));
    }

    private static void legendLine(StringBuilder svg, int i, String name) {
        int y = TOP + 8 + 16 * i;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"5,3\"/>"
                + "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 10, y - 4, WIDTH - RIGHT + 22, y - 4, WIDTH - RIGHT + 26, y,
                escape(name)));
    }

    /** [min, max] of the finite values; {@code padded}: widened to the nearest round ticks. */
    private static double[] range(double[] values, boolean padded) {
        double min = java.util.Arrays.stream(values).filter(Double::isFinite).min().orElse(0);
        double max = java.util.Arrays.stream(values).filter(Double::isFinite).max().orElse(1);
        if (max - min < 1e-9) {
            min -= 0.5;
            max += 0.5;
        }
        if (!padded) {
            return new double[] {min, max};
        }
        double step = tickStep(min, max);
        return new double[] {Math.floor(min / step) * step, Math.ceil(max / step) * step};
    }

    private static double niceCeiling(double max) {
        double step = tickStep(0, max <= 0 ? 1 : max);
        return Math.max(step, Math.ceil(max / step) * step);
    }

    private static double tickStep(double min, double max) {
        double raw = (max - min) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double[] steps = {1, 2, 2.5, 5, 10};
        for (double s : steps) {
            if (s * magnitude >= raw) {
                return s * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static List<Double> ticks(double min, double max) {
        double step = tickStep(min, max);
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
            ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks;
    }

    private static List<Double> logTicks(double min, double max) {
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(min); t <= max; t++) {
            ticks.add(t);
        }
        return ticks;
    }

    private static String number(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.3g", v);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
