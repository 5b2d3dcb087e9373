package io.energysentinel.bench;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ImageEncoding;
import io.energysentinel.contract.records.ImageRecord;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.ImageDataset;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Wire records for the benchmark: JSON templates of real normal records (synthetic metric events, or
 * Fashion-MNIST test images as raw bytes) and of anomalous ones (every metric spiked, or uniform noise),
 * stamped with an id and event time when sent so latency can be measured from the event time.
 */
final class BenchTraffic {
    /** Event-time placeholder in the templates; no real epoch-millisecond value looks like it. */
    private static final long TIME_MARK = 1_111_111_111_111L;
    private static final String ID_MARK = "@ID@";
    private static final int TEMPLATES = 512;

    private final String kind;
    private final List<String[]> normal;
    private final List<String[]> anomalous;
    private final List<String> sources;

    private BenchTraffic(String kind, List<String> normal, List<String> anomalous, List<String> sources) {
        this.kind = kind;
        this.normal = split(normal);
        this.anomalous = split(anomalous);
        this.sources = sources;
    }

    /** Metric events from the synthetic generator the event bundles are trained on; spikes as anomalies. */
    static BenchTraffic events(int sourceCount, long seed) {
        List<LabelledEvent> generated = new SyntheticEventStream(sourceCount, 0, 1000, TIME_MARK, seed)
                .generate(Math.max(1, TEMPLATES / sourceCount));
        List<String> normal = new ArrayList<>();
        List<String> anomalous = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (LabelledEvent le : generated) {
            Event e = le.event();
            normal.add(json(new Event(ID_MARK, e.source(), TIME_MARK, e.features())));
            Map<String, Double> spiked = new LinkedHashMap<>();
            e.features().forEach((k, v) -> spiked.put(k, v * 6));
            anomalous.add(json(new Event(ID_MARK, e.source(), TIME_MARK, spiked)));
            if (!sources.contains(e.source())) {
                sources.add(e.source());
            }
        }
        return new BenchTraffic(ScoringInput.EVENT, normal, anomalous, sources);
    }

    /** Fashion-MNIST test images as raw unsigned bytes; uniform noise images as anomalies. */
    static BenchTraffic images(int sourceCount, long seed) {
        ImageDataset test = FashionMnist.load(DataLocator.fromEnvironment().requireFashionMnist(), FashionMnist.Split.TEST);
        Random random = new Random(seed);
        List<String> normal = new ArrayList<>();
        List<String> anomalous = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (int s = 0; s < sourceCount; s++) {
            sources.add("camera-" + s);
        }
        for (int i = 0; i < TEMPLATES; i++) {
            String source = sources.get(i % sourceCount);
            byte[] bytes = new byte[test.imageSize()];
            float[] pixels = test.pixels()[i];
            for (int p = 0; p < bytes.length; p++) {
                bytes[p] = (byte) Math.round(pixels[p] * 255);
            }
            normal.add(json(new ImageRecord(ID_MARK, source, TIME_MARK, ImageEncoding.RAW_U8, test.cols(), test.rows(), bytes, null)));
            byte[] noise = new byte[bytes.length];
            random.nextBytes(noise);
            anomalous.add(json(new ImageRecord(ID_MARK, source, TIME_MARK, ImageEncoding.RAW_U8, test.cols(), test.rows(), noise, null)));
        }
        return new BenchTraffic(ScoringInput.IMAGE, normal, anomalous, sources);
    }

    /** {@link ScoringInput#EVENT} or {@link ScoringInput#IMAGE}. */
    String kind() {
        return kind;
    }

    /** Record {@code n}: its source (the Kafka key) and its JSON, stamped with {@code id} and {@code eventTime}. */
    Map.Entry<String, String> record(long n, String id, long eventTime, boolean anomaly) {
        String[] parts = (anomaly ? anomalous : normal).get((int) (n % normal.size()));
        String json = parts[0] + id + parts[1] + eventTime + parts[2];
        return Map.entry(parts[3], json);
    }

    /** Distinct sources in the traffic. */
    List<String> sources() {
        return sources;
    }

    private static List<String[]> split(List<String> templates) {
        List<String[]> out = new ArrayList<>();
        for (String t : templates) {
            int id = t.indexOf(ID_MARK);
            int time = t.indexOf(String.valueOf(TIME_MARK));
            if (id < 0 || time < id) {
                throw new IllegalStateException("template lost its placeholders: " + t);
            }
            String source = sourceOf(t);
            out.add(new String[] {t.substring(0, id), t.substring(id + ID_MARK.length(), time),
                    t.substring(time + String.valueOf(TIME_MARK).length()), source});
        }
        return out;
    }

    private static String sourceOf(String json) {
        try {
            return Json.mapper().readTree(json).path("source").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(Object record) {
        try {
            return Json.compact().writeValueAsString(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
