package io.energysentinel.trainer.evaluation;

import io.energysentinel.trainer.training.ReplayBuffer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG pictures of an evaluation: score histograms per set, ROC curves, a grid of SGLD samples, and true against
 * learned toy densities.
 */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** Overlaid normalised histograms of one score over several sets. */
    public static void histograms(String title, Map<String, double[]> scoresBySet, int bins, Path file) {
        double min = scoresBySet.values().stream().flatMapToDouble(Arrays::stream).map(Plots::finiteOrZero).min().orElse(0);
        double max = scoresBySet.values().stream().flatMapToDouble(Arrays::stream).map(Plots::finiteOrZero).max().orElse(1);
        // Clip the range to the 0.5%-99.5% span so one outlier set does not flatten the others.
        double[] all = scoresBySet.values().stream().flatMapToDouble(Arrays::stream).map(Plots::finiteOrZero).sorted().toArray();
        if (all.length > 20) {
            min = all[(int) (all.length * 0.005)];
            max = all[(int) (all.length * 0.995)];
        }
        if (max <= min) {
            max = min + 1;
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("score").yAxisTitle("density").build();
        chart.getStyler().setXAxisDecimalPattern("#,##0.##");
        chart.getStyler().setYAxisDecimalPattern("0.####");
        double width = (max - min) / bins;
        for (Map.Entry<String, double[]> set : scoresBySet.entrySet()) {
            double[] x = new double[bins];
            double[] y = new double[bins];
            for (int b = 0; b < bins; b++) {
                x[b] = min + (b + 0.5) * width;
            }
            for (double v : set.getValue()) {
                int b = (int) Math.floor((finiteOrZero(v) - min) / width);
                if (b >= 0 && b < bins) {
                    y[b]++;
                }
            }
            for (int b = 0; b < bins; b++) {
                y[b] /= set.getValue().length * width;
            }
            XYSeries series = chart.addSeries(set.getKey(), x, y);
            series.setMarker(SeriesMarkers.NONE);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        }
        save(chart, file);
    }

    /** ROC curves, one per named (normal, anomalous) comparison. */
    public static void rocCurves(String title, Map<String, double[][]> curves, Path file) {
        XYChart chart = new XYChartBuilder().width(700).height(600).title(title)
                .xAxisTitle("false-positive rate").yAxisTitle("true-positive rate").build();
        for (Map.Entry<String, double[][]> c : curves.entrySet()) {
            double[][] points = c.getValue();
            double[] x = new double[points.length];
            double[] y = new double[points.length];
            for (int i = 0; i < points.length; i++) {
                x[i] = points[i][0];
                y[i] = points[i][1];
            }
            chart.addSeries(c.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        save(chart, file);
    }

    /** The first {@code count} chains of the replay buffer as a square grid of {@code side x side} images. */
    public static void sampleGrid(ReplayBuffer buffer, int count, int side, Path file) {
        int n = Math.min(count, buffer.capacity());
        float[][] images = new float[n][];
        for (int i = 0; i < n; i++) {
            images[i] = buffer.chain(i);
        }
        imageGrid(images, side, file);
    }

    /** Grey images in [0, 1] as a square grid with 2-pixel gaps, scaled up 2x. */
    public static void imageGrid(float[][] images, int side, Path file) {
        int perRow = (int) Math.ceil(Math.sqrt(images.length));
        int rows = (int) Math.ceil(images.length / (double) perRow);
        int scale = 2;
        int cell = side * scale + 2;
        BufferedImage grid = new BufferedImage(perRow * cell, rows * cell, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < images.length; i++) {
            int ox = (i % perRow) * cell;
            int oy = (i / perRow) * cell;
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    int v = Math.round(Math.max(0, Math.min(1, images[i][r * side + c])) * 255);
                    int rgb = (v << 16) | (v << 8) | v;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            grid.setRGB(ox + c * scale + dx, oy + r * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(grid, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A 1-D density against the one learned: two lines over the same grid. */
    public static void densityCurves(String title, double[] x, double[] trueDensity, double[] learnedDensity, Path file) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("x").yAxisTitle("density").build();
        chart.addSeries("true", x, trueDensity).setMarker(SeriesMarkers.NONE);
        chart.addSeries("learned", x, learnedDensity).setMarker(SeriesMarkers.NONE);
        save(chart, file);
    }

    /**
     * Two 2-D densities on the same {@code n x n} grid (row-major, the second coordinate fastest), side by side as heat
     * maps on one shared colour scale (dark = 0, bright = the larger maximum), true on the left, learned on the right.
     */
    public static void densityMaps(String title, int n, double[] trueDensity, double[] learnedDensity, Path file) {
        int scale = Math.max(1, 320 / n);
        int side = n * scale;
        int gap = 20;
        int top = 30;
        BufferedImage image = new BufferedImage(2 * side + 3 * gap, side + top + gap, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        double max = Math.max(Arrays.stream(trueDensity).max().orElse(1), Arrays.stream(learnedDensity).max().orElse(1));
        double[][] maps = {trueDensity, learnedDensity};
        for (int m = 0; m < 2; m++) {
            int ox = gap + m * (side + gap);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double t = Math.max(0, Math.min(1, maps[m][i * n + j] / max));
                    // Dark blue through magenta to yellow: brightness rises with density.
                    int rgb = java.awt.Color.HSBtoRGB((float) (0.66 - 0.5 * t), 0.9f, (float) (0.15 + 0.85 * t));
                    // x (first coordinate) runs right, y (second) up.
                    int px = ox + i * scale;
                    int py = top + (n - 1 - j) * scale;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            image.setRGB(px + dx, py + dy, rgb);
                        }
                    }
                }
            }
        }
        g.setColor(java.awt.Color.BLACK);
        g.drawString(title + ": true (left), learned (right)", gap, 20);
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void save(XYChart chart, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
