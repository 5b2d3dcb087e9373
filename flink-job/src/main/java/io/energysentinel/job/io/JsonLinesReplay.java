package io.energysentinel.job.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Replays a file of raw records, one {@code kind<TAB>json} per line, as a Flink source: the embedded default's
 * stand-in for Kafka topics. Each {@value #EVENT_TIME} in a line becomes the wall clock when the line is emitted, so
 * event time follows the pace of the replay. Reads the file in each reader, never ships it in the job.
 */
public final class JsonLinesReplay {
    /** Placeholder a line may hold for its event time. */
    public static final String EVENT_TIME = "@T@";

    private JsonLinesReplay() {}

    /**
     * A source of the file's lines, at most {@code perSecond} records a second (0 = unlimited), each line once, or
     * over and over when {@code endless}.
     */
    public static DataGeneratorSource<RawRecord> of(Path file, double perSecond, boolean endless) {
        long count;
        try (var lines = Files.lines(file)) {
            count = endless ? Long.MAX_VALUE : lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new DataGeneratorSource<>(new Lines(file.toAbsolutePath().toString()), count,
                perSecond > 0 ? RateLimiterStrategy.perSecond(perSecond) : RateLimiterStrategy.noOp(),
                TypeInformation.of(RawRecord.class));
    }

    /** Line {@code i} (modulo the file's length) as a raw record. */
    static final class Lines implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final String file;
        private transient List<String> lines;

        Lines(String file) {
            this.file = file;
        }

        @Override
        public void open(SourceReaderContext readerContext) throws IOException {
            lines = Files.readAllLines(Path.of(file));
        }

        @Override
        public RawRecord map(Long index) {
            int n = (int) (index % lines.size());
            String line = lines.get(n);
            int tab = line.indexOf('\t');
            return RawRecord.ofText(line.substring(0, tab),
                    line.substring(tab + 1).replace(EVENT_TIME, String.valueOf(System.currentTimeMillis())), file + ":" + (n + 1));
        }
    }
}
