package io.energysentinel.job;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.model.ServedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What the entry point proves before it submits the job, so a user's mistake ends in one clear line instead of a
 * job that restarts forever or waits in silence: every start-up bundle verifies (hash, graph, golden vectors) and
 * has a usable score, no two serve the same record kind, and Kafka answers within the start-up timeout.
 */
public final class StartupChecks {
    private StartupChecks() {}

    /** A check failed; the message is the one line a user sees. */
    public static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    /**
     * The record kind each start-up bundle serves, by bundle, after verifying each the way the scorer will.
     *
     * @throws Failed when a bundle is refused or two serve one kind
     */
    public static Map<Path, String> verifyBundles(ScoringJobConfig config) throws Failed {
        Map<Path, String> kinds = new LinkedHashMap<>();
        for (Path dir : config.bundlePaths()) {
            try (ModelBundle bundle = BundleLoader.load(dir, new ScorerOptions(config.provider(), 1, config.maxBatchSize()))) {
                String kind = ServedModel.of(bundle, dir.toUri().toString(), config.score()).kind();
                if (kinds.containsValue(kind)) {
                    throw new Failed("two bundles serve " + kind + " records; give at most one event and one image model");
                }
                kinds.put(dir, kind);
            } catch (RuntimeException e) {
                throw new Failed(e.getMessage());
            }
        }
        return kinds;
    }

    /**
     * Waits up to the start-up timeout for the brokers to answer; returns the topics of {@code wanted} that do not
     * exist (a broker may still create them on first use).
     *
     * @throws Failed when no broker answers in time
     */
    public static List<String> kafka(ScoringJobConfig config, Collection<String> wanted) throws Failed {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        int timeout = (int) Math.min(Integer.MAX_VALUE, config.startupTimeout().toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 10_000));
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
            List<String> missing = new ArrayList<>();
            for (String topic : wanted) {
                if (!topic.isBlank() && !existing.contains(topic)) {
                    missing.add(topic);
                }
            }
            return missing;
        } catch (TimeoutException | ExecutionException e) {
            throw new Failed("no Kafka broker answered at " + config.bootstrapServers() + " within " + config.startupTimeout().toSeconds()
                    + " s (--bootstrap-servers, --startup-timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted while waiting for Kafka");
        } catch (RuntimeException e) {
            throw new Failed("cannot use Kafka at " + config.bootstrapServers() + ": " + e.getMessage());
        }
    }
}
