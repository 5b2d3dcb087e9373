package io.energysentinel.job.functions;

import io.energysentinel.job.model.ScoringInput;
import java.util.BitSet;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Keys the scorer's input by shard: every record of one source lands in the same shard (so a source's
 * records keep their order), and the shards are spread evenly over the scorer's subtasks.
 *
 * <p>Why not key by {@code hash(source) mod shards} directly: Flink hashes a key once more (murmur) into
 * one of {@code maxParallelism} key groups and cuts those into ranges per subtask, so a handful of small
 * integer keys lands wherever that hash sends it. With 4 shards and parallelism 2 all four went to the same
 * subtask, and the job scored on one core. Here shard {@code j} is represented by the smallest integer key
 * that Flink assigns to subtask {@code j mod parallelism}, found by asking Flink's own assignment.
 */
public final class ScorerShards implements KeySelector<ScoringInput, Integer> {
    private static final long serialVersionUID = 1L;

    private final int[] keys;

    private ScorerShards(int[] keys) {
        this.keys = keys;
    }

    /**
     * Shards for a scorer running at {@code parallelism} with {@code maxParallelism} key groups.
     *
     * @param shards keys to spread records over; a multiple of {@code parallelism} gives each subtask the same
     *     number
     * @param maxParallelism the scorer's max parallelism (key groups); Flink's default when the job sets none
     *     is {@link KeyGroupRangeAssignment#computeDefaultMaxParallelism(int)}
     */
    public static ScorerShards spreadOver(int shards, int parallelism, int maxParallelism) {
        if (shards < 1 || parallelism < 1 || maxParallelism < parallelism) {
            throw new IllegalArgumentException("need shards >= 1 and 1 <= parallelism <= maxParallelism, got "
                    + shards + ", " + parallelism + ", " + maxParallelism);
        }
        int[] keys = new int[shards];
        BitSet used = new BitSet();
        for (int shard = 0; shard < shards; shard++) {
            int subtask = shard % parallelism;
            int key = 0;
            // Each subtask owns maxParallelism / parallelism of the key groups, so a few dozen tries find a key.
            while (used.get(key) || KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism) != subtask) {
                key++;
            }
            used.set(key);
            keys[shard] = key;
        }
        return new ScorerShards(keys);
    }

    /** The key standing for each shard, in shard order. */
    public int[] keys() {
        return keys.clone();
    }

    @Override
    public Integer getKey(ScoringInput input) {
        return keys[Math.floorMod(input.source().hashCode(), keys.length)];
    }
}
