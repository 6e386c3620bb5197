package dev.backbone.bench.load;

/** How records travel: the binary batch format or JSON. */
public enum Format {
    BINARY,
    JSON
}
