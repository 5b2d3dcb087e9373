package io.energysentinel.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared Prometheus endpoint: operators share one server, the last release stops it and its threads,
 * and scores land in a real histogram, negative energies included.
 */
class MetricsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void operatorsShareOneServerAndTheLastReleaseStopsItAndItsThreads() throws Exception {
        int port = freePort();
        ScoringMetrics first = MetricsEndpoint.acquireMetrics(port, 100);
        ScoringMetrics second = MetricsEndpoint.acquireMetrics(port, 100);
        try {
            assertThat(second).isSameAs(first);
            first.score("host-1", "energy", "v1", -3.0);
            first.score("host-1", "energy", "v1", 0.3);
            String body = get(port);
            assertThat(body)
                    .contains("energysentinel_score_bucket{model_version=\"v1\",score=\"energy\",source=\"host-1\",le=\"-2.5\"} 1")
                    .contains("energysentinel_score_bucket{model_version=\"v1\",score=\"energy\",source=\"host-1\",le=\"0.5\"} 2")
                    .contains("energysentinel_score_count{model_version=\"v1\",score=\"energy\",source=\"host-1\"} 2");
            assertThat(serverThreads()).isNotEmpty();
        } finally {
            MetricsEndpoint.release();
        }
        // One user left: still serving.
        assertThat(get(port)).contains("energysentinel_score_count");

        MetricsEndpoint.release();
        assertThat(MetricsEndpoint.port()).isEqualTo(-1);
        assertThatThrownBy(() -> get(port)).isInstanceOf(ConnectException.class);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!serverThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(serverThreads()).isEmpty();
    }

    @Test
    void extraReleasesDoNotUnderflowAndANewJobStartsAFreshRegistry() {
        MetricsEndpoint.release();
        ScoringMetrics metrics = MetricsEndpoint.acquireMetrics(0, 100);
        try {
            metrics.score("cam-0", "mahalanobis", "v2", 12.0);
            assertThat(MetricsEndpoint.port()).isEqualTo(-1);
            assertThat(MetricsEndpoint.scrape()).contains("energysentinel_score_count{model_version=\"v2\"");
        } finally {
            MetricsEndpoint.release();
        }
        assertThat(MetricsEndpoint.scrape()).isEmpty();
    }

    private String get(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("prometheus-http-") || n.startsWith("HTTP-Dispatcher")).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
