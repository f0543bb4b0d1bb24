package org.vmapstress.harness;

/**
 * One part of an exploration's seed space: shard {@code index} of {@code count} runs executions
 * {@code first + index - 1}, then every {@code count}-th after it, so the shards of one run are
 * disjoint and together cover what one unsharded run would. Written {@code K/N}.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new BadInput("shard " + index + "/" + count + " does not exist: want K/N with 1 <= K <= N");
        }
    }

    /** Parses {@code K/N}; bad input otherwise. */
    public static Shard parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length != 2 || !parts[0].matches("\\d{1,6}") || !parts[1].matches("\\d{1,6}")) {
            throw new BadInput("--shard '" + text + "' is not K/N (e.g. 2/4)");
        }
        return new Shard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /** The execution number of this shard's {@code i}-th execution, counting from {@code first}. */
    public long exec(long first, long i) {
        return first + index - 1 + i * count;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
