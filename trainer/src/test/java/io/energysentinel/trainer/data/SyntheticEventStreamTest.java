package io.energysentinel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticEventStreamTest {
    private static final long START = 1_700_000_000_000L;

    @Test
    void everyAnomalyKindIsInjectedAndLabelled() {
        List<LabelledEvent> events = new SyntheticEventStream(4, 0.02, 60_000, START, 7).generate(3000);
        Set<AnomalyKind> kinds = events.stream().filter(LabelledEvent::anomalous).map(LabelledEvent::anomaly)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(AnomalyKind.class)));
        assertThat(kinds).containsExactlyInAnyOrder(AnomalyKind.values());
        double anomalous = events.stream().filter(LabelledEvent::anomalous).count() / (double) events.size();
        assertThat(anomalous).isBetween(0.05, 0.6);
    }

    @Test
    void sameSeedGivesTheSameStreamInEventTimeOrder() {
        List<LabelledEvent> a = new SyntheticEventStream(3, 0.01, 1000, START, 11).generate(200);
        List<LabelledEvent> b = new SyntheticEventStream(3, 0.01, 1000, START, 11).generate(200);
        assertThat(a).isEqualTo(b);
        for (int i = 1; i < a.size(); i++) {
            assertThat(a.get(i).event().eventTime()).isGreaterThanOrEqualTo(a.get(i - 1).event().eventTime());
        }
        assertThat(new SyntheticEventStream(3, 0.01, 1000, START, 12).generate(200)).isNotEqualTo(a);
    }

    @Test
    void normalCpuAndLatencyFollowLoad() {
        List<LabelledEvent> normal = new SyntheticEventStream(1, 0.0, 300_000, START, 3).generate(2000);
        double[] load = column(normal, "requests_per_s");
        assertThat(correlation(load, column(normal, "cpu_pct"))).isGreaterThan(0.8);
        assertThat(correlation(load, column(normal, "latency_ms"))).isGreaterThan(0.8);
    }

    @Test
    void correlationBreakDecouplesCpuFromLoad() {
        List<LabelledEvent> events = new SyntheticEventStream(4, 0.02, 60_000, START, 7).generate(3000);
        List<LabelledEvent> broken = events.stream().filter(e -> e.anomaly() == AnomalyKind.CORRELATION_BREAK).toList();
        assertThat(broken).isNotEmpty();
        for (LabelledEvent e : broken) {
            assertThat(e.event().features().get("cpu_pct")).isGreaterThan(70.0);
        }
    }

    @Test
    void writtenFilesReadBackWithLabels(@TempDir Path dir) {
        List<LabelledEvent> events = new SyntheticEventStream(2, 0.02, 60_000, START, 5).generate(300);
        EventFiles.writeCsv(events, dir.resolve("e.csv"));
        EventFiles.writeJsonLines(events, dir.resolve("e.jsonl"));
        EventTable csv = CsvEventReader.read(dir.resolve("e.csv"), EventColumns.defaults(), SyntheticEventStream.FEATURES);
        EventTable jsonl = JsonLinesEventReader.read(dir.resolve("e.jsonl"), SyntheticEventStream.FEATURES);
        assertThat(csv.size()).isEqualTo(events.size());
        assertThat(csv.featureNames()).isEqualTo(SyntheticEventStream.FEATURES);
        assertThat(jsonl.featureNames()).isEqualTo(SyntheticEventStream.FEATURES);
        assertThat(jsonl.rows().get(17)).containsExactly(csv.rows().get(17));
        long labelled = events.stream().filter(LabelledEvent::anomalous).count();
        assertThat(csv.labels().stream().filter(l -> !l.isEmpty()).count()).isEqualTo(labelled);
        assertThat(jsonl.labels()).isEqualTo(csv.labels());
        assertThat(csv.event(3)).isEqualTo(events.get(3).event());
    }

    private static double[] column(List<LabelledEvent> events, String feature) {
        return events.stream().mapToDouble(e -> e.event().features().get(feature)).toArray();
    }

    private static double correlation(double[] a, double[] b) {
        double ma = java.util.Arrays.stream(a).average().orElseThrow();
        double mb = java.util.Arrays.stream(b).average().orElseThrow();
        double cov = 0, va = 0, vb = 0;
        for (int i = 0; i < a.length; i++) {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }
        return cov / Math.sqrt(va * vb);
    }
}
