package io.energysentinel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric names that {@code deploy/}'s Prometheus rules and Grafana dashboards query, so tests can check
 * each against what the code really exports: a renamed meter must not leave a silent, empty panel.
 */
public final class DeployedQueries {
    private static final Pattern METRIC = Pattern.compile("energysentinel_[a-z_]+");

    private DeployedQueries() {}

    /** Names starting with {@code prefix} in the rules and dashboards, found from a module's directory. */
    public static Set<String> metricNames(String prefix) {
        Path deploy = Path.of("..", "deploy").toAbsolutePath().normalize();
        List<Path> files = List.of(deploy.resolve("prometheus/rules.yml"), deploy.resolve("grafana/dashboards"));
        Set<String> names = new TreeSet<>();
        for (Path f : files) {
            try (Stream<Path> paths = Files.isDirectory(f) ? Files.list(f) : Stream.of(f)) {
                for (Path p : paths.toList()) {
                    Matcher m = METRIC.matcher(Files.readString(p));
                    while (m.find()) {
                        if (m.group().startsWith(prefix)) {
                            names.add(m.group());
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return names;
    }

    /** Metric names (with their suffixes) in a Prometheus text scrape. */
    public static Set<String> exported(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
