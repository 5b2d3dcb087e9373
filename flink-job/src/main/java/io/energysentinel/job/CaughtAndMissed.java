package io.energysentinel.job;

import io.energysentinel.contract.records.ScoredRecord;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The embedded run's operating point as a picture: for each kind of image, a row of those the threshold caught and
 * a row of those it missed (for normal images: the false alarms, then images that passed), each labelled.
 */
final class CaughtAndMissed {
    private static final int PER_ROW = 16;
    private static final int SIDE = 28;
    private static final int SCALE = 2;
    private static final int LABEL_WIDTH = 300;

    private CaughtAndMissed() {}

    /** Writes the grid of {@code kinds} (labels as in {@code labels}) to {@code file}. */
    static void write(List<ScoredRecord> scores, Map<String, String> labels, Map<String, float[]> pixels, List<String> kinds,
                      Path file) {
        List<String> rowNames = new ArrayList<>();
        List<List<float[]>> rows = new ArrayList<>();
        for (String kind : kinds) {
            List<float[]> above = new ArrayList<>();
            List<float[]> below = new ArrayList<>();
            int total = 0;
            for (ScoredRecord s : scores) {
                if (!kind.equals(labels.get(s.recordId())) || !pixels.containsKey(s.recordId())) {
                    continue;
                }
                total++;
                List<float[]> row = s.anomalous() ? above : below;
                if (row.size() < PER_ROW) {
                    row.add(pixels.get(s.recordId()));
                }
            }
            boolean normal = kind.equals(EmbeddedDemo.NORMAL);
            rowNames.add(kind + (normal ? ": false alarms" : ": caught") + " (of " + total + ")");
            rows.add(above);
            rowNames.add(kind + (normal ? ": passed" : ": missed"));
            rows.add(below);
        }
        int cell = SIDE * SCALE + 4;
        BufferedImage image = new BufferedImage(LABEL_WIDTH + PER_ROW * cell, rows.size() * cell, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        // Mid grey behind the images, so white backgrounds (inverted images) stand out from the page.
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, LABEL_WIDTH, image.getHeight());
        g.setColor(new Color(0x70, 0x90, 0xB0));
        g.fillRect(LABEL_WIDTH, 0, image.getWidth() - LABEL_WIDTH, image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int r = 0; r < rows.size(); r++) {
            g.drawString(rowNames.get(r), 6, r * cell + cell / 2 + 5);
            for (int i = 0; i < rows.get(r).size(); i++) {
                draw(image, rows.get(r).get(i), LABEL_WIDTH + i * cell + 2, r * cell + 2);
            }
        }
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void draw(BufferedImage image, float[] pixels, int x0, int y0) {
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int v = Math.round(Math.max(0, Math.min(1, pixels[y * SIDE + x])) * 255);
                int rgb = (v << 16) | (v << 8) | v;
                for (int dy = 0; dy < SCALE; dy++) {
                    for (int dx = 0; dx < SCALE; dx++) {
                        image.setRGB(x0 + x * SCALE + dx, y0 + y * SCALE + dy, rgb);
                    }
                }
            }
        }
    }
}
