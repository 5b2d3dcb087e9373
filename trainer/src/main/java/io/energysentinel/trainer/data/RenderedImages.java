package io.energysentinel.trainer.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

/**
 * Out-of-distribution image sets the project makes itself, in the look of Fashion-MNIST and MNIST (a light object
 * centred on black, 28 x 28, anti-aliased): letters and symbols (no digits) drawn with the JDK's logical fonts, and
 * geometric shapes. They are only ever evaluated on, never used to train, tune or choose anything.
 */
public final class RenderedImages {
    private static final String GLYPHS = "ABCDEFGHJKLMNPQRSTUVWXYZabdefghkmnqrtuwxyz&%@#?";
    private static final List<String> FONTS = List.of(Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG);

    private RenderedImages() {}

    /** {@code count} glyphs (letters and symbols, no digits), each at a random font, style, size, rotation and grey. */
    public static ImageDataset glyphs(int count, int side, long seed) {
        return render("rendered-glyphs", count, side, seed, (g, random) -> {
            int style = random.nextInt(4);
            Font font = new Font(FONTS.get(random.nextInt(FONTS.size())), style, Math.round(side * (0.6f + 0.3f * random.nextFloat())));
            g.setFont(font);
            g.setColor(grey(random));
            String glyph = String.valueOf(GLYPHS.charAt(random.nextInt(GLYPHS.length())));
            Rectangle2D bounds = g.getFontMetrics().getStringBounds(glyph, g);
            AffineTransform rotation = AffineTransform.getRotateInstance(Math.toRadians(random.nextGaussian() * 10), side / 2.0, side / 2.0);
            g.transform(rotation);
            float x = (float) ((side - bounds.getWidth()) / 2 + random.nextGaussian());
            float y = (float) ((side - bounds.getHeight()) / 2 - bounds.getY() + random.nextGaussian());
            g.drawString(glyph, x, y);
        });
    }

    /** {@code count} geometric shapes: filled or outlined ellipses, rectangles and triangles, or a few strokes. */
    public static ImageDataset shapes(int count, int side, long seed) {
        return render("rendered-shapes", count, side, seed, (g, random) -> {
            g.setColor(grey(random));
            g.setStroke(new BasicStroke(1 + random.nextFloat() * 2.5f));
            boolean filled = random.nextBoolean();
            double w = side * (0.35 + 0.45 * random.nextDouble());
            double h = side * (0.35 + 0.45 * random.nextDouble());
            double x = (side - w) / 2 + random.nextGaussian() * 2;
            double y = (side - h) / 2 + random.nextGaussian() * 2;
            switch (random.nextInt(4)) {
                case 0 -> draw(g, new Ellipse2D.Double(x, y, w, h), filled);
                case 1 -> draw(g, new Rectangle2D.Double(x, y, w, h), filled);
                case 2 -> draw(g, new Polygon(new int[] {(int) (x + w / 2), (int) (x + w), (int) x},
                        new int[] {(int) y, (int) (y + h), (int) (y + h)}, 3), filled);
                default -> {
                    for (int k = 0; k < 2 + random.nextInt(3); k++) {
                        g.drawLine(random.nextInt(side), random.nextInt(side), random.nextInt(side), random.nextInt(side));
                    }
                }
            }
        });
    }

    /**
     * {@code count} scribbles: one to three smooth pen strokes (cubic curves through random points) of random width, as a
     * hand would draw them. Made after the served score's rule was fixed, to judge it on a set nothing was chosen on.
     */
    public static ImageDataset scribbles(int count, int side, long seed) {
        return render("rendered-scribbles", count, side, seed, (g, random) -> {
            g.setColor(grey(random));
            g.setStroke(new BasicStroke(1.5f + random.nextFloat() * 2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (int k = 0; k < 1 + random.nextInt(3); k++) {
                java.awt.geom.Path2D.Double stroke = new java.awt.geom.Path2D.Double();
                stroke.moveTo(point(random, side), point(random, side));
                for (int c = 0; c < 1 + random.nextInt(2); c++) {
                    stroke.curveTo(point(random, side), point(random, side), point(random, side), point(random, side),
                            point(random, side), point(random, side));
                }
                g.draw(stroke);
            }
        });
    }

    /** Paints one image of a set on its black, anti-aliased canvas, taking its random draws in order. */
    private interface Painter {
        void paint(Graphics2D g, Random random);
    }

    /** {@code count} images painted one after the other with one random sequence seeded by {@code seed}. */
    private static ImageDataset render(String name, int count, int side, long seed, Painter painter) {
        Random random = new Random(seed);
        float[][] pixels = new float[count][];
        for (int i = 0; i < count; i++) {
            BufferedImage image = canvas(side);
            Graphics2D g = graphics(image);
            painter.paint(g, random);
            g.dispose();
            pixels[i] = pixels(image);
        }
        return ImageDataset.unlabelled(name, pixels, side, side);
    }

    /** A coordinate inside a margin of a sixth of the side. */
    private static double point(Random random, int side) {
        return side / 6.0 + random.nextDouble() * side * 2 / 3.0;
    }

    private static void draw(Graphics2D g, java.awt.Shape shape, boolean filled) {
        if (filled) {
            g.fill(shape);
        } else {
            g.draw(shape);
        }
    }

    private static BufferedImage canvas(int side) {
        return new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    /** A light grey to white, as the objects of both datasets are. */
    private static Color grey(Random random) {
        int v = 150 + random.nextInt(106);
        return new Color(v, v, v);
    }

    private static float[] pixels(BufferedImage image) {
        int side = image.getWidth();
        float[] out = new float[side * side];
        var raster = image.getRaster();
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                out[r * side + c] = raster.getSample(c, r, 0) / 255f;
            }
        }
        return out;
    }
}
