package io.energysentinel.job.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Replays a file of raw records, one {@code kind<TAB>json} per line, as a bounded Flink source: the
 * embedded default's stand-in for Kafka topics. Reads the file in each reader, never ships it in the job.
 */
public final class JsonLinesReplay {
    private JsonLinesReplay() {}

    /** A source of every line of {@code file}, at most {@code perSecond} records a second (0 = unlimited). */
    public static DataGeneratorSource<RawRecord> of(Path file, double perSecond) {
        long count;
        try (var lines = Files.lines(file)) {
            count = lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return new DataGeneratorSource<>(new Lines(file.toAbsolutePath().toString()), count,
                perSecond > 0 ? RateLimiterStrategy.perSecond(perSecond) : RateLimiterStrategy.noOp(),
                org.apache.flink.api.common.typeinfo.TypeInformation.of(RawRecord.class));
    }

    /** Line {@code i} of the file as a raw record. */
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
            String line = lines.get(index.intValue());
            int tab = line.indexOf('\t');
            return RawRecord.ofText(line.substring(0, tab), line.substring(tab + 1), file + ":" + (index + 1));
        }
    }
}
