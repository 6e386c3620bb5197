package dev.backbone.bench.load;

/**
 * What record values hold: random bytes (binary) or letters (JSON), which no codec can shrink, or JSON-like
 * event objects (field names, identifiers, amounts, words), which compress as real events do.
 */
public enum ValueKind {
    RANDOM,
    JSON_LIKE
}
