package io.energysentinel.job.model;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.scoring.ScorerOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open bundle (one ONNX Runtime session) per TaskManager JVM per model version, shared by every
 * scorer subtask in the JVM, and closed when the last subtask releases it.
 *
 * <p>Sessions are expensive (memory arena, threads); one per slot per version would multiply both.
 */
public final class SharedBundles {
    private static final Logger LOG = LoggerFactory.getLogger(SharedBundles.class);
    private static final Map<String, Entry> OPEN = new HashMap<>();

    private SharedBundles() {}

    private static final class Entry {
        final ModelBundle bundle;
        int users;

        Entry(ModelBundle bundle) {
            this.bundle = bundle;
        }
    }

    /**
     * The verified bundle in {@code dir}, loading it on first use.
     *
     * @throws io.energysentinel.contract.bundle.BundleRejectedException when it fails verification
     */
    public static synchronized ModelBundle acquire(Path dir, String expectedSha256, ScorerOptions options) {
        String key = dir.toAbsolutePath().normalize().toString();
        Entry entry = OPEN.get(key);
        if (entry != null && expectedSha256 != null
                && !entry.bundle.manifest().onnx().sha256().equalsIgnoreCase(expectedSha256)) {
            // Same directory, different content announced: verify afresh rather than trust the open session.
            entry = null;
            key = key + "#" + expectedSha256;
            entry = OPEN.get(key);
        }
        if (entry == null) {
            ModelBundle bundle = BundleLoader.load(dir, options, expectedSha256);
            entry = new Entry(bundle);
            OPEN.put(key, entry);
            LOG.info("opened model {}/{} from {} on {}", bundle.manifest().modelId(), bundle.manifest().modelVersion(), dir,
                    bundle.scorer().providerInUse());
        }
        entry.users++;
        return entry.bundle;
    }

    /** Gives back a bundle from {@link #acquire}; the last release closes its session. */
    public static synchronized void release(ModelBundle bundle) {
        if (bundle == null) {
            return;
        }
        OPEN.entrySet().removeIf(e -> {
            if (e.getValue().bundle != bundle) {
                return false;
            }
            if (--e.getValue().users > 0) {
                return false;
            }
            bundle.close();
            LOG.info("closed model {}/{}", bundle.manifest().modelId(), bundle.manifest().modelVersion());
            return true;
        });
    }

    /** Number of open sessions, for tests. */
    public static synchronized int openCount() {
        return OPEN.size();
    }
}
