package dev.backbone.server.http.stream;

import java.time.Duration;

/**
 * Settings of live consume streams.
 *
 * @param heartbeat  how often an idle stream sends a heartbeat
 * @param pollWait   how long one long poll of a stream waits for records
 * @param fetchBytes the most bytes of batches read per poll
 */
public record LiveStreamSettings(Duration heartbeat, Duration pollWait, int fetchBytes) {

    public LiveStreamSettings {
        if (heartbeat.isNegative() || heartbeat.isZero() || pollWait.isNegative() || pollWait.isZero()
                || fetchBytes < 1) {
            throw new IllegalArgumentException("heartbeat and pollWait must be positive and fetchBytes >= 1: "
                    + heartbeat + ", " + pollWait + ", " + fetchBytes);
        }
    }
}
