package io.energysentinel.trainer.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadDataFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsAValidRawAndGzippedIdxFileAlike() throws IOException {
        byte[] idx = idxImages(3, 2, 2);
        Path raw = write("ok-idx3-ubyte", idx);
        Path gz = writeGzip("ok-idx3-ubyte.gz", idx);
        ImageDataset a = IdxReader.readImages(raw, "raw");
        ImageDataset b = IdxReader.readImages(gz, "gz");
        org.assertj.core.api.Assertions.assertThat(a.size()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThat(a.pixels()[2]).containsExactly(b.pixels()[2]);
        org.assertj.core.api.Assertions.assertThat(a.pixels()[1][3]).isEqualTo(7 / 255f);
    }

    @Test
    void truncatedRawIdxNamesFileAndByteOffset() throws IOException {
        byte[] idx = idxImages(3, 2, 2);
        Path file = write("cut-idx3-ubyte", Arrays.copyOf(idx, idx.length - 3));
        assertThatThrownBy(() -> IdxReader.readImages(file, "cut"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("byte 25")
                .hasMessageContaining("image 2 of 3");
    }

    @Test
    void truncatedGzipIdxIsAnErrorNotAPartialRead() throws IOException {
        byte[] gz = gzip(idxImages(50, 4, 4));
        Path file = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(file, "cut"))
                .hasMessageContaining(file.toString());
    }

    @Test
    void wrongMagicIsRejectedAtByteZero() throws IOException {
        byte[] idx = idxImages(1, 2, 2);
        idx[3] = 0x01;
        Path file = write("labels-not-images", idx);
        assertThatThrownBy(() -> IdxReader.readImages(file, "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("byte 0")
                .hasMessageContaining("wrong magic");
    }

    @Test
    void trailingBytesAfterDeclaredItemsAreRejected() throws IOException {
        byte[] idx = idxImages(1, 2, 2);
        Path file = write("long", Arrays.copyOf(idx, idx.length + 5));
        assertThatThrownBy(() -> IdxReader.readImages(file, "x")).hasMessageContaining("trailing data");
    }

    @Test
    void csvWithMissingRequiredColumnNamesTheColumn() throws IOException {
        Path csv = writeText("events.csv", "id,source,time,cpu\n1,a,10,0.5\n");
        assertThatThrownBy(() -> CsvEventReader.read(csv, EventColumns.defaults(), List.of("cpu", "latency")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("events.csv")
                .hasMessageContaining("missing column 'latency'");
    }

    @Test
    void csvWithNonNumericCellNamesLineAndColumn() throws IOException {
        Path csv = writeText("events.csv", "id,source,time,cpu,latency\n1,a,10,0.5,3\n2,a,11,high,4\n");
        assertThatThrownBy(() -> CsvEventReader.read(csv, EventColumns.defaults(), List.of()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("line 3, column 4 'cpu'")
                .hasMessageContaining("not a number: 'high'");
    }

    @Test
    void csvWithNaNCellIsRejected() throws IOException {
        Path csv = writeText("events.csv", "cpu,latency\n0.5,NaN\n");
        assertThatThrownBy(() -> CsvEventReader.read(csv, EventColumns.defaults(), List.of()))
                .hasMessageContaining("line 2, column 2 'latency'")
                .hasMessageContaining("non-finite");
    }

    @Test
    void raggedCsvRowIsRejected() throws IOException {
        Path csv = writeText("events.csv", "cpu,latency\n0.5,1\n0.7\n");
        assertThatThrownBy(() -> CsvEventReader.read(csv, EventColumns.defaults(), List.of()))
                .hasMessageContaining("line 3").hasMessageContaining("1 cells, the header has 2");
    }

    @Test
    void emptyFilesAreRejected() throws IOException {
        Path csv = writeText("empty.csv", "");
        Path jsonl = writeText("empty.jsonl", "\n");
        Path idx = write("empty-idx", new byte[0]);
        assertThatThrownBy(() -> CsvEventReader.read(csv, EventColumns.defaults(), List.of())).hasMessageContaining("empty file");
        assertThatThrownBy(() -> JsonLinesEventReader.read(jsonl, List.of())).hasMessageContaining("empty file");
        assertThatThrownBy(() -> IdxReader.readImages(idx, "x")).hasMessageContaining("byte 0").hasMessageContaining("header");
    }

    @Test
    void jsonLinesEventWithMissingFeatureNamesTheLine() throws IOException {
        Path jsonl = writeText("events.jsonl", """
                {"id":"a","source":"s","eventTime":1,"features":{"cpu":1.0,"lat":2.0}}
                {"id":"b","source":"s","eventTime":2,"features":{"cpu":1.0}}
                """);
        assertThatThrownBy(() -> JsonLinesEventReader.read(jsonl, List.of()))
                .hasMessageContaining("events.jsonl (line 2)").hasMessageContaining("missing feature 'lat'");
    }

    @Test
    void jsonLinesWithBrokenJsonNamesLine() throws IOException {
        Path jsonl = writeText("events.jsonl", "{\"features\":{\"cpu\":1}}\n{\"features\":{\"cpu\": }\n");
        assertThatThrownBy(() -> JsonLinesEventReader.read(jsonl, List.of()))
                .hasMessageContaining("line 2").hasMessageContaining("not valid JSON");
    }

    @Test
    void digitJsonWhoseLengthIsNotAMultipleOf784IsRejected() throws IOException {
        float[] values = new float[784 + 10];
        Path file = writeText("3.json", "{\"data\":" + Arrays.toString(values) + "}");
        assertThatThrownBy(() -> MnistDigitsJson.readFile(file))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("3.json")
                .hasMessageContaining("794 values is not a multiple of 784");
    }

    @Test
    void digitJsonWithOutOfRangePixelNamesIndex() throws IOException {
        float[] values = new float[784];
        values[5] = 2f;
        Path file = writeText("4.json", "{\"data\":" + Arrays.toString(values) + "}");
        assertThatThrownBy(() -> MnistDigitsJson.readFile(file)).hasMessageContaining("value 5").hasMessageContaining("outside [0, 1]");
    }

    private static byte[] idxImages(int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int i = 0; i < count * rows * cols; i++) {
                out.writeByte(i % 256);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    private Path writeGzip(String name, byte[] data) throws IOException {
        return write(name, gzip(data));
    }

    private Path writeText(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
