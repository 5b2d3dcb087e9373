package io.energysentinel.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.job.config.ScoringJobConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point ends a user's mistake with one line and exit code 2, within a bounded time. */
class ScoringJobMainTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void bundle() {
        TestBundles.eventBundle(dir, "v1", 1);
    }

    @Test
    void aMissingBundleIsOneLineAndExitCodeTwoBeforeAnythingIsSubmitted() throws Exception {
        Run run = run(() -> ScoringJobMain.run("--bundle", "/nonexistent", "--bootstrap-servers", "127.0.0.1:1"));
        assertThat(run.code).isEqualTo(ScoringJobMain.USAGE);
        assertThat(run.stderr.lines()).singleElement().asString()
                .startsWith("scoring-job: model bundle /nonexistent rejected (MISSING_FILE)");
        assertThat(run.seconds).isLessThan(30);
    }

    @Test
    void anUnknownFlagOrBadValueIsOneLineNotAStackTrace() throws Exception {
        Run unknown = run(() -> ScoringJobMain.run("--bundle", "x", "--no-such-flag", "1"));
        assertThat(unknown.code).isEqualTo(ScoringJobMain.USAGE);
        assertThat(unknown.stderr.lines()).singleElement().asString().contains("--no-such-flag").contains("--help");
        Run bad = run(() -> ScoringJobMain.run("--bundle", "x", "--parallelism", "0"));
        assertThat(bad.stderr.lines()).singleElement().asString().contains("parallelism must be >= 1");
    }

    @Test
    void anUnreachableBrokerIsReportedWithinTheStartupTimeout() throws Exception {
        Run run = run(() -> ScoringJobMain.run("--bundle", dir.resolve("v1").toString(), "--bootstrap-servers", "127.0.0.1:1",
                "--startup-timeout", "PT3S", "--metrics-port", "0"));
        assertThat(run.code).isEqualTo(ScoringJobMain.USAGE);
        assertThat(run.stderr.lines()).singleElement().asString().contains("no Kafka broker answered at 127.0.0.1:1 within 3 s");
        assertThat(run.seconds).isLessThan(20);
    }

    @Test
    void aDeploymentWithTheDefaultTopicsReadsOnlyTheTopicItsModelServes() {
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.resolve("v1").toString());
        assertThat(config.imagesTopic()).as("the default names both topics").isNotBlank();
        assertThat(ScoringJobMain.inputTopics(config)).containsExactly(config.eventsTopic());
    }

    @Test
    void twoBundlesOfOneKindAreRefusedAtStartup() throws Exception {
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", dir.resolve("v1").toString(), "--bundle",
                dir.resolve("v1").toString());
        StartupChecks.Failed failed = org.junit.jupiter.api.Assertions.assertThrows(StartupChecks.Failed.class,
                () -> StartupChecks.verifyBundles(config));
        assertThat(failed.getMessage()).contains("two bundles serve event records");
    }

    private record Run(int code, String stderr, double seconds) {}

    private static synchronized Run run(Callable<Integer> main) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = main.call();
        } finally {
            System.setErr(original);
        }
        // Log lines go to the log (test config), not to this stream: what is captured is what a user reads.
        return new Run(code, captured.toString(StandardCharsets.UTF_8).strip(), (System.nanoTime() - start) / 1e9);
    }
}
