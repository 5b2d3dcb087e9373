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

/** PNG pictures of an evaluation: score histograms per set, ROC curves, and a grid of SGLD samples. */
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
