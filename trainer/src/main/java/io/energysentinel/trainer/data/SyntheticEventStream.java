package io.energysentinel.trainer.data;

import io.energysentinel.contract.records.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic stream of service metrics from several hosts, with labelled anomalies.
 *
 * <p>Per source, load follows a daily cycle plus autocorrelated noise; CPU and latency follow load,
 * queue depth grows past a capacity, memory wanders slowly and error rate is small noise. Anomaly episodes
 * start with probability {@code anomalyRate} per event and per source, and every event inside one carries
 * its {@link AnomalyKind}. Events come in event-time order across sources. Same settings, same stream.
 */
public final class SyntheticEventStream {
    /** Feature names, in vector order. */
    public static final List<String> FEATURES = List.of(
            "requests_per_s", "cpu_pct", "latency_ms", "error_rate", "memory_pct", "queue_depth");
    private static final long DAY_MS = 24L * 3600 * 1000;

    private final int sources;
    private final double anomalyRate;
    private final long intervalMs;
    private final long startMs;
    private final long seed;

    /**
     * @param sources number of hosts
     * @param anomalyRate probability per event and host that an anomaly episode starts
     * @param intervalMs time between two events of one host
     * @param startMs event time of the first event, epoch milliseconds
     * @param seed random seed
     */
    public SyntheticEventStream(int sources, double anomalyRate, long intervalMs, long startMs, long seed) {
        if (sources < 1 || anomalyRate < 0 || anomalyRate > 1 || intervalMs < 1) {
            throw new IllegalArgumentException("sources >= 1, anomalyRate in [0,1], intervalMs >= 1 required");
        }
        this.sources = sources;
        this.anomalyRate = anomalyRate;
        this.intervalMs = intervalMs;
        this.startMs = startMs;
        this.seed = seed;
    }

    /** Generates {@code eventsPerSource} events for each source, interleaved by event time. */
    public List<LabelledEvent> generate(int eventsPerSource) {
        List<Host> hosts = new ArrayList<>();
        for (int s = 0; s < sources; s++) {
            hosts.add(new Host("host-" + s, new Random(seed * 1_000_003L + s), 300 + 150 * s));
        }
        List<LabelledEvent> out = new ArrayList<>(eventsPerSource * sources);
        for (int i = 0; i < eventsPerSource; i++) {
            long t = startMs + i * intervalMs;
            for (Host host : hosts) {
                out.add(host.next(i, t));
            }
        }
        return out;
    }

    /** One host's metrics and its current anomaly episode. */
    private final class Host {
        private final String name;
        private final Random random;
        private final double baseLoad;
        private double loadNoise;
        private double memory = 55;
        private AnomalyKind episode;
        private int episodeLeft;
        private int episodeAge;
        private int metric;
        private double magnitude;
        private double[] last;

        Host(String name, Random random, double baseLoad) {
            this.name = name;
            this.random = random;
            this.baseLoad = baseLoad;
        }

        LabelledEvent next(int index, long time) {
            double[] v = normal(time);
            if (episode == null && random.nextDouble() < anomalyRate) {
                startEpisode();
            }
            AnomalyKind label = null;
            if (episode != null) {
                label = episode;
                inject(v);
                episodeAge++;
                if (--episodeLeft == 0) {
                    episode = null;
                }
            }
            last = v.clone();
            Map<String, Double> features = new LinkedHashMap<>();
            for (int f = 0; f < v.length; f++) {
                features.put(FEATURES.get(f), round(v[f]));
            }
            return new LabelledEvent(new Event(name + "-" + index, name, time, features), label);
        }

        private double[] normal(long time) {
            double phase = 2 * Math.PI * (time % DAY_MS) / DAY_MS;
            loadNoise = 0.9 * loadNoise + random.nextGaussian() * 0.03;
            double load = baseLoad * (1 + 0.4 * Math.sin(phase) + loadNoise);
            double cpu = 8 + 0.08 * load * (300.0 / baseLoad) + random.nextGaussian() * 1.5;
            double latency = 18 + 0.015 * load + 0.00002 * load * load + random.nextGaussian() * 1.2;
            double errors = Math.abs(0.002 + random.nextGaussian() * 0.0007);
            memory += 0.05 * (55 - memory) + random.nextGaussian() * 0.4;
            double queue = Math.max(0, (load - 1.2 * baseLoad) * 0.2) + Math.abs(random.nextGaussian() * 0.8);
            return new double[] {load, cpu, latency, errors, memory, queue};
        }

        private void startEpisode() {
            AnomalyKind[] kinds = AnomalyKind.values();
            episode = kinds[random.nextInt(kinds.length)];
            episodeAge = 0;
            metric = random.nextInt(FEATURES.size());
            switch (episode) {
                case SPIKE -> {
                    episodeLeft = 1 + random.nextInt(3);
                    magnitude = 3 + 3 * random.nextDouble();
                }
                case LEVEL_SHIFT -> {
                    episodeLeft = 10 + random.nextInt(21);
                    magnitude = (random.nextBoolean() ? 1 : -1) * (0.5 + 0.5 * random.nextDouble());
                }
                case STUCK_SENSOR -> episodeLeft = 10 + random.nextInt(21);
                case CORRELATION_BREAK -> {
                    episodeLeft = 5 + random.nextInt(16);
                    metric = 1;
                }
                case DRIFT -> {
                    episodeLeft = 20 + random.nextInt(21);
                    magnitude = 0.04 + 0.04 * random.nextDouble();
                }
                default -> throw new IllegalStateException(episode.name());
            }
        }

        private void inject(double[] v) {
            switch (episode) {
                case SPIKE -> v[metric] = Math.max(v[metric], 1e-3) * magnitude + (metric == 3 ? 0.05 : 0);
                case LEVEL_SHIFT -> v[metric] = shifted(v[metric], magnitude);
                case STUCK_SENSOR -> {
                    if (last != null) {
                        v[metric] = last[metric];
                    }
                }
                case CORRELATION_BREAK -> {
                    // CPU pinned high while traffic and latency stay where load puts them.
                    v[1] = 85 + random.nextGaussian() * 3;
                    v[0] = v[0] * 0.5;
                }
                case DRIFT -> v[metric] = shifted(v[metric], magnitude * (episodeAge + 1));
                default -> throw new IllegalStateException(episode.name());
            }
        }

        private double shifted(double value, double relative) {
            return Math.max(0, value * (1 + relative) + (value == 0 ? relative : 0));
        }

        private double round(double value) {
            return Math.round(value * 1e4) / 1e4;
        }
    }
}
