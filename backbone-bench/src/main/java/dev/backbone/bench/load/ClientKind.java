package dev.backbone.bench.load;

/**
 * Which HTTP client moves binary batches: the JDK's {@code HttpClient}, or {@link RawHttpConnection}, which
 * copies nothing through the heap and so leaves more of a shared machine's CPU to the broker.
 */
public enum ClientKind {
    JDK,
    RAW
}
