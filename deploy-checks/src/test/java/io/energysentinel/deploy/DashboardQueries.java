package io.energysentinel.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The panel queries of deploy/grafana's dashboards, for the tests that check them (here, and the job's and the
 * incidents application's live Prometheus tests through this module's test-jar).
 */
public final class DashboardQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DashboardQueries() {}

    /** The dashboard files. */
    public static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DeployDir.resolve("grafana/dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Every panel query of every dashboard as written, keyed by dashboard file, panel title and refId. */
    public static Map<String, String> asWritten() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Path dashboard : dashboards()) {
            for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.put(dashboard.getFileName() + " / " + panel.path("title").asText() + " / "
                            + target.path("refId").asText(), target.path("expr").asText());
                }
            }
        }
        return queries;
    }

    /**
     * Every panel query with Grafana's variables filled in as Grafana would send it: {@code $__rate_interval} by
     * {@code rateInterval}, {@code $score} by {@code score}, the multi-value {@code $source} and
     * {@code $model_version} by "All" ({@code .*}).
     */
    public static Map<String, String> withVariables(String rateInterval, String score) throws IOException {
        Map<String, String> queries = asWritten();
        queries.replaceAll((where, q) -> q.replace("$__rate_interval", rateInterval).replace("$score", score)
                .replace("$source", ".*").replace("$model_version", ".*"));
        return queries;
    }
}
