package io.energysentinel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * A Kafka broker in a JVM of its own for local runs (the demo with the incidents application): the same KRaft
 * broker as {@link EmbeddedKafkaCluster}, started by {@code main}, its topics created, its bootstrap address
 * written to a file; it runs until the process is stopped.
 *
 * <pre>java -cp … io.energysentinel.testing.StandaloneBroker ADDRESS_FILE TOPIC…</pre>
 */
public final class StandaloneBroker {
    private StandaloneBroker() {}

    /** Starts the broker, creates {@code args[1..]} with 4 partitions, writes the address to {@code args[0]}, waits. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: StandaloneBroker ADDRESS_FILE [TOPIC ...]");
            System.exit(2);
        }
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
            } catch (Exception e) {
                System.err.println("broker did not close cleanly: " + e);
            }
            stopped.countDown();
        }, "broker-shutdown"));
        if (args.length > 1) {
            kafka.createTopics(4, Arrays.copyOfRange(args, 1, args.length));
        }
        Path file = Path.of(args[0]);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, kafka.bootstrapServers());
        // Renamed into place so a reader never sees half an address.
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Kafka broker on " + kafka.bootstrapServers());
        stopped.await();
    }
}
