package io.energysentinel.job.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's Prometheus registry and its HTTP endpoint, reference-counted by the operators that record
 * metrics: the first {@link #acquire} starts the server, the last {@link #release} stops it, so no server
 * thread outlives a cancelled job.
 */
public final class MetricsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    private static PrometheusMeterRegistry registry;
    private static HTTPServer server;
    private static int users;

    private MetricsEndpoint() {}

    /** The shared registry; starts the endpoint on {@code port} (0 = no endpoint) for the first user. */
    public static synchronized PrometheusMeterRegistry acquire(int port) {
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            if (port > 0) {
                try {
                    server = HTTPServer.builder().port(port).registry(registry.getPrometheusRegistry()).buildAndStart();
                    LOG.info("Prometheus metrics on http://localhost:{}/metrics", server.getPort());
                } catch (IOException e) {
                    registry.close();
                    registry = null;
                    throw new UncheckedIOException("cannot start the metrics endpoint on port " + port, e);
                }
            }
        }
        users++;
        return registry;
    }

    /**
     * The job's meters in the shared registry, at most {@code maxSources} sources with series of their own; pair
     * every call with one {@link #release()}.
     */
    public static synchronized ScoringMetrics acquireMetrics(int port, int maxSources) {
        return ScoringMetrics.of(acquire(port), maxSources);
    }

    /**
     * Releases the use an operator holds as {@code held} (nothing when it holds none, e.g. {@code open} failed) and
     * returns {@code null} for the operator to keep: {@code metrics = MetricsEndpoint.release(metrics);}.
     */
    public static synchronized ScoringMetrics release(ScoringMetrics held) {
        if (held != null) {
            release();
        }
        return null;
    }

    /** Releases one use; the last stops the endpoint and closes the registry. */
    public static synchronized void release() {
        if (users == 0) {
            return;
        }
        if (--users == 0) {
            if (server != null) {
                server.close();
                server = null;
            }
            ScoringMetrics.forget(registry);
            registry.close();
            registry = null;
        }
    }

    /** The bound port, or -1 when no endpoint runs. */
    public static synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    /** The registry's current scrape text, or empty when none is open. */
    public static synchronized String scrape() {
        return registry == null ? "" : registry.scrape();
    }
}
