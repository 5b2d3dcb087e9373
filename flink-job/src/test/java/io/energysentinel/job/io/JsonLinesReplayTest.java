package io.energysentinel.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded demo's replay: lines in turn, over again, each stamped with the wall clock as it is emitted. */
class JsonLinesReplayTest {
    @TempDir
    Path dir;

    @Test
    void stampsEachRecordWithTheWallClockWhenEmittedAndCyclesThroughTheFile() throws Exception {
        Path file = dir.resolve("replay.tsv");
        Files.write(file, List.of("image\t{\"id\":\"a\",\"source\":\"camera-0\",\"eventTime\":@T@}",
                "event\t{\"id\":\"b\",\"source\":\"host-0\",\"eventTime\":@T@}"));
        JsonLinesReplay.Lines replay = new JsonLinesReplay.Lines(file.toString());
        replay.open(null);

        long before = System.currentTimeMillis();
        RawRecord first = replay.map(0L);
        RawRecord second = replay.map(1L);
        Thread.sleep(20);
        RawRecord again = replay.map(2L);
        long after = System.currentTimeMillis();

        assertThat(first.kind()).isEqualTo("image");
        assertThat(second.kind()).isEqualTo("event");
        assertThat(again.kind()).isEqualTo("image");
        assertThat(again.origin()).isEqualTo(first.origin()).endsWith("replay.tsv:1");
        long t1 = eventTime(first);
        long t3 = eventTime(again);
        assertThat(t1).isBetween(before, after);
        assertThat(t3).isBetween(t1 + 20, after);
    }

    private static long eventTime(RawRecord r) throws Exception {
        return Json.compact().readTree(r.payload()).get("eventTime").asLong();
    }
}
