package io.energysentinel.job.io;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that hands records to an in-JVM list (and optionally a printer), for local runs where the job
 * executes in the caller's JVM: the embedded demo and tests. Not for clusters.
 */
public final class LocalCollectSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();
    private static final Map<String, Consumer<Object>> PRINTERS = new ConcurrentHashMap<>();

    private final String name;

    private LocalCollectSink(String name) {
        this.name = name;
    }

    /** A sink collecting into the list named {@code name} (emptied now). */
    public static <T> LocalCollectSink<T> named(String name) {
        COLLECTED.put(name, new CopyOnWriteArrayList<>());
        PRINTERS.remove(name);
        return new LocalCollectSink<>(name);
    }

    /** The same, also passing each record to {@code printer} as it arrives. */
    @SuppressWarnings("unchecked")
    public static <T> LocalCollectSink<T> printing(String name, Consumer<T> printer) {
        LocalCollectSink<T> sink = named(name);
        PRINTERS.put(name, (Consumer<Object>) printer);
        return sink;
    }

    /** What the sink named {@code name} has received. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> collected(String name) {
        return (List<T>) (List<?>) COLLECTED.getOrDefault(name, List.of());
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        List<Object> target = COLLECTED.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        Consumer<Object> printer = PRINTERS.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                target.add(element);
                if (printer != null) {
                    printer.accept(element);
                }
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
