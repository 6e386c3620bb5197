package dev.backbone.bench.load;

/**
 * Which HTTP client moves binary batches: the JDK's {@code HttpClient}; {@link RawHttpConnection}, which
 * copies nothing through the heap and so leaves more of a shared machine's CPU to the broker; or the project's own
 * {@code BackboneClient} (Reactor Netty, pooled keep-alive connections), as the Spring starter uses it, to measure
 * what that client costs against the raw connection.
 */
public enum ClientKind {
    JDK,
    RAW,
    BACKBONE
}
