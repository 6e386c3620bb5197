package dev.backbone.server.quota;

import java.util.Locale;

/**
 * What a quota limits. The name in lower case ({@code produce-bytes}, ...) is the {@code quota} member of a
 * {@code quota-exceeded} problem and the {@code quota} tag of the quota meters.
 *
 * <p>Thread safety: immutable.
 */
public enum QuotaKind {

    /** Bytes of request bodies per second: produce in every media type. */
    PRODUCE_BYTES,
    /** Bytes of answers to reads per second: consume in every form. */
    FETCH_BYTES,
    /** Requests per second, of any kind. */
    REQUESTS;

    /** The kind's name as clients and metrics see it. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
