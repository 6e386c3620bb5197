package dev.backbone.client;

/**
 * Kafka's default choice of partition for a keyed record: {@code toPositive(murmur2(key)) % numPartitions},
 * so that a key lands on the same partition number here as with a Kafka producer. Stateless and thread-safe.
 */
public final class Murmur2Partitioner {

    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2Partitioner() {
    }

    /** The 32-bit murmur2 hash of {@code data}, bit for bit as Kafka's {@code Utils.murmur2}. */
    public static int murmur2(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        // The trailing one to three bytes, as the reference's fall-through switch mixes them.
        int tail = length4 * 4;
        int rest = length - tail;
        if (rest == 3) {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (rest >= 2) {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (rest >= 1) {
            h ^= data[tail] & 0xff;
            h *= M;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    /**
     * The partition for {@code key} among {@code numPartitions}.
     *
     * @throws IllegalArgumentException if the key is null or the count is not positive
     */
    public static int partition(byte[] key, int numPartitions) {
        if (key == null) {
            throw new IllegalArgumentException("a null key has no hash partition");
        }
        if (numPartitions <= 0) {
            throw new IllegalArgumentException("partition count must be positive, was " + numPartitions);
        }
        // Masking rather than Math.abs, because abs(Integer.MIN_VALUE) is negative.
        return (murmur2(key) & 0x7fffffff) % numPartitions;
    }
}
