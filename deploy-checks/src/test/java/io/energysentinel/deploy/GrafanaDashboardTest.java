package io.energysentinel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards in deploy/grafana/dashboards: valid against Grafana's published schema, every query
 * valid PromQL, and score panels that never mix scores of different scales.
 */
class GrafanaDashboardTest {
    private static final Path NODE_SOURCES = Path.of("src", "test", "node").toAbsolutePath();
    private static final Path NODE_WORK = Path.of("target", "dashboard-schema").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void dashboardsMatchGrafanasPublishedSchema() throws IOException {
        ExternalTool node = ExternalTool.require("node", "install Node.js (apt-get install nodejs npm)");
        ExternalTool npm = ExternalTool.require("npm", "install npm (apt-get install npm)");
        Files.createDirectories(NODE_WORK);
        for (String file : List.of("package.json", "validate-dashboards.mjs")) {
            Files.copy(NODE_SOURCES.resolve(file), NODE_WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(NODE_WORK.resolve("node_modules/@grafana/schema"))) {
            // Exact versions in package.json; no lock file is kept (it would name the registry's host).
            ExternalTool.Result install = npm.run(Duration.ofMinutes(5), NODE_WORK,
                    "install", "--no-audit", "--no-fund", "--no-package-lock");
            if (install.exitCode() != 0) {
                ExternalTool.unavailable("npm install of @grafana/schema failed (no npm registry?):\n" + install.output());
            }
        }
        List<String> args = new ArrayList<>(List.of("validate-dashboards.mjs"));
        DashboardQueries.dashboards().forEach(d -> args.add(d.toString()));

        ExternalTool.Result result = node.run(NODE_WORK, args.toArray(String[]::new));

        assertThat(result.exitCode()).as("validate-dashboards.mjs printed:%n%s", result.output()).isZero();
        assertThat(result.output()).contains(DashboardQueries.dashboards().size() + " dashboards checked", "0 invalid");
    }

    @Test
    void everyDashboardQueryIsValidPromQL() throws IOException {
        ExternalTool promtool = ExternalTool.require("promtool", "install Debian's prometheus package: apt-get install prometheus");
        // promtool has no offline "check this expression": each query becomes a recording rule that check rules parses.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        // Any values of the right shape will do for Grafana's variables.
        Map<String, String> queries = DashboardQueries.withVariables("1m", "energy");
        int i = 0;
        for (String query : queries.values()) {
            rules.append("      - record: dashboard_query_").append(i++).append("\n        expr: ")
                    .append(JSON.writeValueAsString(query)).append('\n');
        }
        Path file = Files.createDirectories(Path.of("target")).resolve("dashboard-queries.rules.yml");
        Files.writeString(file, rules);

        ExternalTool.Result result = promtool.run(file.getParent(), "check", "rules", file.getFileName().toString());

        assertThat(queries).isNotEmpty();
        assertThat(result.exitCode()).as("promtool check rules on the dashboards' queries printed:%n%s", result.output()).isZero();
        assertThat(result.output()).contains(queries.size() + " rules found");
    }

    @Test
    void scorePanelsShowOneScoreAtATime() throws IOException {
        for (Path dashboard : DashboardQueries.dashboards()) {
            JsonNode score = variable(JSON.readTree(dashboard.toFile()), "score");
            assertThat(score).as("$score variable in %s", dashboard).isNotNull();
            assertThat(score.path("multi").asBoolean()).as("$score multi-select").isFalse();
            assertThat(score.path("includeAll").asBoolean()).as("$score with All").isFalse();
        }
        // Energies and Mahalanobis distances have different scales: a panel summing buckets over both is wrong.
        DashboardQueries.asWritten().forEach((where, query) -> {
            if (query.contains("energysentinel_score_bucket")) {
                assertThat(query).as(where).contains("score=\"$score\"");
            }
        });
    }

    @Test
    void thresholdsShowOnlyTheModelVersionsInUse() throws IOException {
        // A TaskManager may keep the gauge of a retired version; model_info == 1 marks the one each line serves.
        DashboardQueries.asWritten().forEach((where, query) -> {
            if (query.contains("energysentinel_threshold")) {
                assertThat(query).as(where).contains("and on (model_version) (energysentinel_model_info == 1)");
            }
        });
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        return null;
    }
}
