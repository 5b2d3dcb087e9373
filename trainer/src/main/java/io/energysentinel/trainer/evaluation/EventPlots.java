package io.energysentinel.trainer.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/** The energy of each source over time, anomaly episodes shaded by kind, the threshold drawn across (Java2D). */
public final class EventPlots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] KIND_COLOURS = {
        new Color(255, 179, 71), new Color(119, 190, 240), new Color(180, 140, 220), new Color(140, 210, 140),
        new Color(240, 128, 128), new Color(200, 200, 120)};

    private EventPlots() {}

    /**
     * One panel per source, events in the given order; y is clipped to the 0.5%..99.5% span of the scores and the
     * threshold so one huge energy does not flatten the rest.
     */
    public static void timeline(List<String> sources, List<String> labels, double[] energy, double threshold, Path file) {
        Map<String, List<Integer>> bySource = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            bySource.computeIfAbsent(sources.get(i), s -> new ArrayList<>()).add(i);
        }
        List<String> kinds = new ArrayList<>(new TreeSet<>(labels));
        kinds.remove("");
        double[] sorted = energy.clone();
        Arrays.sort(sorted);
        double lo = Math.min(sorted[(int) (sorted.length * 0.005)], threshold);
        double hi = Math.max(sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.995))], threshold);
        hi += 0.05 * (hi - lo);
        int width = 1400;
        int panel = 170;
        int left = 60;
        int top = 40;
        BufferedImage img = new BufferedImage(width, top + panel * bySource.size() + 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int lx = left;
        g.setColor(Color.BLACK);
        g.drawString("energy per event (test split), episodes shaded; dashed: calibrated threshold", lx, 16);
        lx = left;
        for (int k = 0; k < kinds.size(); k++) {
            g.setColor(KIND_COLOURS[k % KIND_COLOURS.length]);
            g.fillRect(lx, 22, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(kinds.get(k), lx + 16, 33);
            lx += 30 + g.getFontMetrics().stringWidth(kinds.get(k));
        }
        int p = 0;
        for (Map.Entry<String, List<Integer>> source : bySource.entrySet()) {
            List<Integer> idx = source.getValue();
            int y0 = top + p * panel + 10;
            int h = panel - 25;
            int w = width - left - 20;
            double dx = w / (double) Math.max(1, idx.size() - 1);
            for (int i = 0; i < idx.size(); i++) {
                String label = labels.get(idx.get(i));
                if (!label.isEmpty()) {
                    g.setColor(KIND_COLOURS[kinds.indexOf(label) % KIND_COLOURS.length]);
                    g.fillRect((int) (left + (i - 0.5) * dx), y0, Math.max(1, (int) Math.ceil(dx)), h);
                }
            }
            g.setColor(Color.GRAY);
            g.drawRect(left, y0, w, h);
            g.setColor(Color.BLACK);
            g.drawString(source.getKey(), 4, y0 + 14);
            final double low = lo;
            final double high = hi;
            java.util.function.DoubleUnaryOperator y = v -> y0 + h - (Math.max(low, Math.min(high, v)) - low) / (high - low) * h;
            g.setColor(new Color(30, 60, 160));
            g.setStroke(new BasicStroke(1f));
            for (int i = 1; i < idx.size(); i++) {
                g.drawLine((int) (left + (i - 1) * dx), (int) y.applyAsDouble(energy[idx.get(i - 1)]),
                        (int) (left + i * dx), (int) y.applyAsDouble(energy[idx.get(i)]));
            }
            g.setColor(Color.RED);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6, 4}, 0));
            int ty = (int) y.applyAsDouble(threshold);
            g.drawLine(left, ty, left + w, ty);
            g.setStroke(new BasicStroke(1f));
            p++;
        }
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
