package io.energysentinel.job;

import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.records.Event;
import java.nio.file.Path;
import java.util.List;

/** Public door to {@link TestBundles} for tests in sub-packages. */
public final class TestBundlesAccess {
    private TestBundlesAccess() {}

    public static BundleManifest eventBundle(Path dir, String version, long seed) {
        return TestBundles.eventBundle(dir, version, seed);
    }

    public static BundleManifest historyEventBundle(Path dir, String version, long seed) {
        return TestBundles.historyEventBundle(dir, version, seed);
    }

    public static float[][] widened(List<Event> events, io.energysentinel.contract.bundle.SourceHistory history) {
        return TestBundles.widened(events, history);
    }

    public static List<Event> normalEvents(int perSource, int sources, long seed) {
        return TestBundles.normalEvents(perSource, sources, seed);
    }

    public static Path demoImageBundle(Path target) {
        return TestBundles.demoImageBundle(target);
    }

    public static float[] vector(Event e) {
        return TestBundles.vector(e);
    }
}
