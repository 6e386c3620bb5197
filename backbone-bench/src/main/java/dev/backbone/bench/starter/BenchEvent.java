package dev.backbone.bench.starter;

import dev.backbone.spring.serde.EventType;

/**
 * The event both load runs publish: a POJO whose {@code note} pads its JSON to the requested record size, so that
 * the bytes on the wire match a raw load-generator run of the same record size.
 *
 * @param id        a running number
 * @param sentNanos {@link System#nanoTime()} when it was published, for publish-to-listener latency; 0 or a
 *                  constant when not timed
 * @param note      padding
 */
@EventType("bench.event")
public record BenchEvent(long id, long sentNanos, String note) {
}
