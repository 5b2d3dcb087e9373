package io.energysentinel.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.deploy.DashboardQueries;
import io.energysentinel.deploy.PrometheusServer;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.JsonLinesReplay;
import io.energysentinel.job.io.LocalCollectSink;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.SharedBundles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/'s dashboard and rules against a real Prometheus (Debian's binary, its own config and data directory,
 * a free loopback port) scraping the running job: the job's Micrometer endpoint and Flink's own Prometheus
 * reporter, as in deploy/prometheus/prometheus.yml. Every dashboard query must return data once the job has
 * scored, dead-lettered and alerted; every rule must load and evaluate, and the series each rule reads must exist.
 * The incidents application is not part of this job, so its panels and rule are left to the incidents tests.
 */
class PrometheusDashboardIT {
    /** Flink's reporter gets a small port range: the MiniCluster's JobManager and TaskManager may each open one. */
    private static final int REPORTER_PORTS = 4;
    private static final int REPORTER_BASE = freePort();
    private static final Pattern METRIC = Pattern.compile("\\b(?:energysentinel|flink)_[A-Za-z_]+");
    private static final Path DEPLOY = PrometheusServer.deployDir();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(reporterConfig()).build());

    @TempDir
    Path dir;

    @Test
    void everyDashboardQueryReturnsDataAndEveryRuleEvaluatesOnARealPrometheus() throws Exception {
        Path binary = PrometheusServer.binary();
        BundleManifest manifest = TestBundles.eventBundle(dir, "v1", 1);
        // Announced at start: the job swaps v1 for v2, so the swap panel has data. (Announcing the version already
        // served would do too, but leaves one ONNX session open after the job: MicroBatchScorer keeps the extra
        // reference when the "new" bundle is the one it has.)
        BundleManifest v2 = TestBundles.eventBundle(dir, "v2", 2);
        JobClient job = startJob(manifest, v2);
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (MetricsEndpoint.port() <= 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(MetricsEndpoint.port()).as("the job's metrics endpoint").isPositive();
            List<String> reporters = listeningReporterPorts();
            assertThat(reporters).as("Flink's Prometheus reporter").isNotEmpty();
            try (PrometheusServer prometheus = PrometheusServer.start(binary, Files.createDirectories(dir.resolve("prometheus")),
                    config(MetricsEndpoint.port(), reporters))) {
                checkDashboard(prometheus, manifest.defaultScore().id());
                checkRules(prometheus);
                // Micrometer exports any *info gauge as 1, so only removing a retired version's series keeps the
                // threshold panel to the version in use.
                String threshold = dashboardQueries(manifest.defaultScore().id()).values().stream()
                        .filter(q -> q.contains("energysentinel_threshold")).findFirst().orElseThrow();
                List<String> versions = new ArrayList<>();
                prometheus.query(threshold).path("result").forEach(r -> versions.add(r.path("metric").path("model_version").asText()));
                assertThat(versions).as("thresholds of the version in use only").containsExactly("v2");
            }
        } finally {
            job.cancel().get();
        }
        // The ONNX sessions are JVM-wide: one left open would be counted by the next test in this JVM.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((job.getJobStatus().get() != JobStatus.CANCELED || SharedBundles.openCount() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(SharedBundles.openCount()).as("ONNX sessions closed with the cancelled job").isZero();
    }

    private void checkDashboard(PrometheusServer prometheus, String score) throws Exception {
        Map<String, String> queries = dashboardQueries(score);
        assertThat(queries).isNotEmpty();
        // Rates need two scrapes inside their window; the job needs a few batches, an alert and a dead letter.
        Map<String, String> empty = new TreeMap<>(queries);
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!empty.isEmpty() && System.nanoTime() < deadline) {
            for (var it = empty.entrySet().iterator(); it.hasNext(); ) {
                if (!prometheus.query(it.next().getValue()).path("result").isEmpty()) {
                    it.remove();
                }
            }
            Thread.sleep(1000);
        }
        assertThat(empty).as("dashboard queries that returned nothing after 90 s; Prometheus log:%n%s",
                prometheus.log()).isEmpty();
    }

    private void checkRules(PrometheusServer prometheus) throws Exception {
        List<JsonNode> rules = new ArrayList<>();
        prometheus.api("/api/v1/rules").path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        assertThat(rules).as("rules loaded from deploy/prometheus/rules.yml").hasSizeGreaterThan(5);
        Set<String> metrics = new TreeSet<>();
        for (JsonNode rule : rules) {
            String name = rule.path("name").asText();
            assertThat(rule.path("health").asText()).as("health of %s: %s", name, rule.path("lastError").asText())
                    .isEqualTo("ok");
            prometheus.query(rule.path("query").asText()); // throws if Prometheus refuses it
            Matcher m = METRIC.matcher(rule.path("query").asText());
            while (m.find()) {
                metrics.add(m.group());
            }
        }
        metrics.removeIf(n -> n.startsWith("energysentinel_incidents"));
        for (String metric : metrics) {
            assertThat(prometheus.query("count(" + metric + ")").path("result")).as("series of %s", metric).isNotEmpty();
        }
        // On live data: the job scores and both scrape jobs are up, so neither rule is even pending; the
        // incidents application is not running, and absence of its target is seen at once.
        assertThat(alerts(prometheus, "EnergySentinelNotScoring")).isEmpty();
        assertThat(alerts(prometheus, "EnergySentinelTargetDown")).isEmpty();
        assertThat(alerts(prometheus, "EnergySentinelTargetMissing")).containsExactly("energysentinel-incidents");
    }

    private static List<String> alerts(PrometheusServer prometheus, String name) throws Exception {
        List<String> jobs = new ArrayList<>();
        prometheus.query("ALERTS{alertname=\"" + name + "\"}").path("result")
                .forEach(r -> jobs.add(r.path("metric").path("job").asText()));
        return jobs;
    }

    /** The dashboard's queries, Grafana's variables filled in, but for the incidents application's. */
    private static Map<String, String> dashboardQueries(String score) throws IOException {
        Map<String, String> queries = DashboardQueries.withVariables("15s", score);
        queries.values().removeIf(q -> q.contains("energysentinel_incidents"));
        return queries;
    }

    /**
     * The job serving {@code manifest} on a paced, endless stream with event time = now (normal events, spikes,
     * malformed records), told at once to swap to {@code next}.
     */
    private JobClient startJob(BundleManifest manifest, BundleManifest next) throws Exception {
        int metricsPort = freePort();
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.resolve(manifest.modelVersion()).toString(),
                "--metrics-port", String.valueOf(metricsPort), "--parallelism", "2", "--max-batch-size", "8",
                "--checkpoint-interval", "PT1S", "--quiet-records", "2");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJobMain.configure(env, config);
        ModelUpdate announce = new ModelUpdate(next.modelId(), next.modelVersion(),
                dir.resolve(next.modelVersion()).toUri().toString(), next.onnx().sha256());
        DataGeneratorSource<ModelUpdate> updates = new DataGeneratorSource<>(i -> announce, 1, RateLimiterStrategy.noOp(),
                TypeInformation.of(ModelUpdate.class));
        DataGeneratorSource<RawRecord> records = new DataGeneratorSource<>(new LiveEvents(templates()), Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(100), TypeInformation.of(RawRecord.class));
        new ScoringJob(config, List.of(records), updates, LocalCollectSink.<Alert>named("prometheus-it-alerts"),
                LocalCollectSink.<DeadLetter>named("prometheus-it-dead"), LocalCollectSink.<ScoredRecord>named("prometheus-it-scores"),
                LocalCollectSink.<ModelEvent>named("prometheus-it-model-events")).build(env);
        return env.executeAsync("prometheus-it");
    }

    /** Event JSON with the event time left as {@link JsonLinesReplay#EVENT_TIME}: normal events, and every fifth one spiked. */
    private static ArrayList<String> templates() throws IOException {
        ArrayList<String> out = new ArrayList<>();
        int i = 0;
        for (Event e : TestBundles.normalEvents(40, 4, 5)) {
            Event event = e;
            if (i++ % 5 == 4) {
                Map<String, Double> spiked = new LinkedHashMap<>();
                e.features().forEach((k, v) -> spiked.put(k, v * 6 + 1));
                event = new Event(e.id() + "-spike", e.source(), 0, spiked);
            } else {
                event = new Event(e.id(), e.source(), 0, e.features());
            }
            out.add(Json.compact().writeValueAsString(event).replace("\"eventTime\":0", "\"eventTime\":" + JsonLinesReplay.EVENT_TIME));
        }
        return out;
    }

    /** Record {@code i}: the templates in turn with event time = now, and every 50th record malformed. */
    private static final class LiveEvents implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<String> templates;

        LiveEvents(ArrayList<String> templates) {
            this.templates = templates;
        }

        @Override
        public RawRecord map(Long i) {
            String payload = i % 50 == 49 ? "this is not json"
                    : templates.get((int) (i % templates.size())).replace(JsonLinesReplay.EVENT_TIME, String.valueOf(System.currentTimeMillis()));
            return RawRecord.ofText(ScoringInput.EVENT, payload, "live:" + i);
        }
    }

    private static String config(int metricsPort, List<String> reporters) {
        return "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                + "rule_files: [\"" + DEPLOY.resolve("prometheus/rules.yml") + "\"]\n"
                + "scrape_configs:\n"
                + "  - job_name: energysentinel-job\n"
                + "    static_configs: [{targets: [\"127.0.0.1:" + metricsPort + "\"]}]\n"
                + "  - job_name: flink\n"
                + "    static_configs: [{targets: [" + String.join(", ", reporters.stream().map(r -> "\"" + r + "\"").toList()) + "]}]\n";
    }

    private static Configuration reporterConfig() {
        Configuration c = new Configuration();
        c.set(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(),
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
                REPORTER_BASE + "-" + (REPORTER_BASE + REPORTER_PORTS - 1));
        return c;
    }

    private static List<String> listeningReporterPorts() {
        List<String> open = new ArrayList<>();
        for (int port = REPORTER_BASE; port < REPORTER_BASE + REPORTER_PORTS; port++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                open.add("127.0.0.1:" + port);
            } catch (IOException closed) {
                // not a reporter
            }
        }
        return open;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
