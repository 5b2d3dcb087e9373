package io.energysentinel.bench;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job's own CPU time per record on the multi-process cluster ({@code scripts/cluster.sh}, broker in its own JVM),
 * against bare ONNX Runtime's CPU time per record on the same bundle. The job's CPU is the sum of utime + stime
 * ({@code /proc/<pid>/stat}) of all its JVMs (JobManager and TaskManagers) over a drain of {@code --records} records
 * sent as fast as the broker takes them (after an unmeasured warm-up drain); a drain ends when every record's score
 * is on the scores topic (JSON in, JSON out). Raw ORT is one session with one intra-op thread scoring full batches
 * of the job's batch size back to back in this JVM, timed by its thread's CPU time.
 */
@Command(name = "job-cpu", mixinStandardHelpOptions = true)
public final class JobCpu implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:19092")
    String bootstrap;
    @Option(names = "--bundle", required = true)
    Path bundle;
    @Option(names = "--kind", required = true, description = "event or image")
    String kind;
    @Option(names = "--pids", required = true, split = ",", description = "The job's JVMs.")
    List<Long> pids;
    @Option(names = "--records", defaultValue = "200000")
    int records;
    @Option(names = "--warmup-records", defaultValue = "100000")
    int warmup;
    @Option(names = "--batch", defaultValue = "64")
    int batch;
    @Option(names = "--raw-seconds", defaultValue = "10")
    double rawSeconds;
    @Option(names = "--out")
    Path out;
    @Option(names = "--rounds", defaultValue = "1",
            description = "Measured drains, one after the other; the first is the headline, the rest are reported as laterRounds.")
    int rounds;
    @Option(names = "--jfr-dir", description = "Record a JFR profile of each JVM during the measured drain (its CPU counts too).")
    Path jfrDir;

    private static final String SCORES = "energysentinel.scores";
    private final AtomicLong scored = new AtomicLong();
    private volatile boolean stop;

    public static void main(String[] args) {
        // Flags after the script's defaults override them.
        System.exit(new CommandLine(new JobCpu()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchTraffic traffic = "image".equals(kind) ? BenchTraffic.images(8, 7) : BenchTraffic.events(8, 7);
        String topic = "image".equals(kind) ? "energysentinel.images" : "energysentinel.events";
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread counter = new Thread(() -> count(ready), "count-scores");
        counter.start();
        ready.await();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bundle", bundle.toString());
        result.put("kind", kind);
        try (KafkaProducer<String, String> producer = producer()) {
            drain(producer, traffic, topic, "warm", warmup);
            jfr("JFR.start", "name=job-cpu", "settings=profile");
            List<Map<String, Object>> later = new java.util.ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                long cpu0 = jobCpuTicks();
                long t0 = System.nanoTime();
                drain(producer, traffic, topic, "measured-" + round, records);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpuSeconds = (jobCpuTicks() - cpu0) / (double) clockTicks();
                if (round == 1) {
                    jfr("JFR.stop", "name=job-cpu");
                    result.put("profiledWithJfr", jfrDir != null);
                    result.put("records", records);
                    result.put("wallSeconds", wall);
                    result.put("jobCpuSeconds", cpuSeconds);
                    result.put("jobCpuMicrosPerRecord", cpuSeconds * 1e6 / records);
                    result.put("recordsPerJobCoreSecond", records / cpuSeconds);
                } else {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("round", round);
                    r.put("wallSeconds", wall);
                    r.put("jobCpuSeconds", cpuSeconds);
                    r.put("jobCpuMicrosPerRecord", cpuSeconds * 1e6 / records);
                    r.put("recordsPerJobCoreSecond", records / cpuSeconds);
                    later.add(r);
                }
            }
            if (!later.isEmpty()) {
                // Each further drain of as many records: the JIT is still compiling in the first (README).
                result.put("laterRounds", later);
            }
        } finally {
            stop = true;
            counter.join();
        }
        double raw = rawCpuMicrosPerRecord();
        result.put("rawOrtCpuMicrosPerRecord", raw);
        result.put("jobOverRawOrt", (Double) result.get("jobCpuMicrosPerRecord") / raw);
        String json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result);
        System.out.println(json);
        if (out != null) {
            Files.writeString(out, json);
        }
        return 0;
    }

    private void jfr(String command, String... options) throws Exception {
        if (jfrDir == null) {
            return;
        }
        for (long pid : pids) {
            java.util.List<String> c = new java.util.ArrayList<>(List.of("jcmd", String.valueOf(pid), command));
            c.addAll(List.of(options));
            if (command.equals("JFR.stop")) {
                c.add("filename=" + jfrDir.toAbsolutePath().resolve(pid + ".jfr"));
            }
            new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 * 1024 * 1024));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends {@code count} records and waits until as many more scores are out. */
    private void drain(KafkaProducer<String, String> producer, BenchTraffic traffic, String topic, String prefix, int count)
            throws InterruptedException {
        long target = scored.get() + count;
        long now = System.currentTimeMillis();
        for (int n = 0; n < count; n++) {
            Map.Entry<String, String> r = traffic.record(n, prefix + "-" + n, now, n % 100 == 99);
            producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
        }
        producer.flush();
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
        while (scored.get() < target) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("only " + scored.get() + " of " + target + " scores after 10 minutes");
            }
            Thread.sleep(100);
        }
        System.out.printf("%s: %d records scored%n", prefix, count);
    }

    /**
     * Counts scores as they are written (read_uncommitted: the drain ends with the job's work, not the next commit).
     * Assigned at the current end before anything is sent, so no score is missed while a group would form.
     */
    private void count(java.util.concurrent.CountDownLatch ready) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(SCORES, Duration.ofMinutes(1)).stream()
                    .map(info -> new org.apache.kafka.common.TopicPartition(SCORES, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            ready.countDown();
            while (!stop) {
                scored.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
            }
        }
    }

    private long jobCpuTicks() throws IOException {
        long ticks = 0;
        for (long pid : pids) {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are 14, 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks;
    }

    private static long clockTicks() {
        return 100; // USER_HZ on Linux
    }

    /** One ORT session, one intra-op thread, full batches back to back: CPU microseconds of the scoring thread per record. */
    private double rawCpuMicrosPerRecord() throws Exception {
        BundleManifest manifest = BundleLoader.readManifest(bundle);
        int size = manifest.input().elementCount();
        Random random = new Random(7);
        float[][] inputs = new float[batch][size];
        for (float[] row : inputs) {
            for (int i = 0; i < size; i++) {
                row[i] = random.nextFloat();
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (OnnxScorer scorer = OnnxScorer.open(bundle.resolve(manifest.onnx().file()), manifest.input().shape(),
                new ScorerOptions(ExecutionProvider.CPU, 1, batch))) {
            for (int i = 0; i < 200; i++) {
                scorer.score(inputs);
            }
            long cpu0 = threads.getCurrentThreadCpuTime();
            long end = System.nanoTime() + (long) (rawSeconds * 1e9);
            long n = 0;
            while (System.nanoTime() < end) {
                scorer.score(inputs);
                n += batch;
            }
            return (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
        }
    }
}
