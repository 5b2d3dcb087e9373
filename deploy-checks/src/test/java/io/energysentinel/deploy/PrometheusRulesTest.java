package io.energysentinel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus with Prometheus' own checker: the scrape configs and rules load, every rule's unit tests in
 * rules-test.yml pass, and every alert has both a case that must fire and one that must stay silent.
 */
class PrometheusRulesTest {
    private static final Path PROMETHEUS = DeployDir.resolve("prometheus");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static ExternalTool promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = ExternalTool.require("promtool", "install Debian's prometheus package: apt-get install prometheus");
    }

    @Test
    void composeScrapeConfigAndItsRulesLoad() {
        // check config also loads the rule files the config names, relative to it.
        assertSucceeds(promtool.run(PROMETHEUS, "check", "config", "prometheus.yml"));
    }

    @Test
    void kubernetesScrapeConfigLoads() {
        ExternalTool.Result result = promtool.run(PROMETHEUS, "check", "config", "prometheus-k8s.yml");
        // Debian builds Prometheus without Kubernetes service discovery, so its promtool cannot read this file.
        assumeFalse(result.output().contains("field kubernetes_sd_configs not found"),
                "this promtool has no Kubernetes service discovery (Debian's build): prometheus-k8s.yml not checked");
        assertSucceeds(result);
    }

    @Test
    void rulesPassPromtoolsCheck() {
        assertSucceeds(promtool.run(PROMETHEUS, "check", "rules", "rules.yml"));
    }

    @Test
    void everyRuleUnitTestPasses() {
        assertSucceeds(promtool.run(PROMETHEUS, "test", "rules", "rules-test.yml"));
    }

    @Test
    void everyAlertHasACaseThatFiresAndOneThatStaysSilent() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : YAML.readTree(PROMETHEUS.resolve("rules.yml").toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule.get("alert").asText());
                }
            }
        }
        Set<String> fires = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : YAML.readTree(PROMETHEUS.resolve("rules-test.yml").toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String name = check.path("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? silent : fires).add(name);
            }
        }
        assertThat(alerts).as("alerts in rules.yml").isNotEmpty();
        assertThat(fires).as("alerts with a case that must fire").containsAll(alerts);
        assertThat(silent).as("alerts with a case that must stay silent").containsAll(alerts);
    }

    private static void assertSucceeds(ExternalTool.Result result) {
        assertThat(result.exitCode()).as("promtool exit code; it printed:%n%s", result.output()).isZero();
    }
}
