package dev.backbone.spring.publish;

import java.time.Duration;
import java.util.Objects;

import dev.backbone.client.batch.CompressionCodec;
import dev.backbone.client.http.Flush;

/**
 * How the background publisher batches and sends.
 *
 * @param linger          longest a record waits for others to share its batch
 * @param lingerWhenIdle  whether a record lingers even when no request is in flight; when false, a publisher
 *                        with nothing in flight sends at once and batches only behind requests in flight
 * @param batchBytes      size at which a batch goes at once
 * @param maxInFlight     most produce requests in flight over all partitions
 * @param bufferBytes     most bytes waiting to be sent before publishes are refused
 * @param flush           durability asked of the broker, or null for the topic's
 * @param deliveryTimeout time after which an unacknowledged record fails
 * @param compression     codec of every batch sent
 */
public record PublisherSettings(Duration linger, boolean lingerWhenIdle, int batchBytes, int maxInFlight,
                                long bufferBytes, Flush flush, Duration deliveryTimeout,
                                CompressionCodec compression) {

    public PublisherSettings {
        Objects.requireNonNull(compression, "compression");
        if (batchBytes < 1 || maxInFlight < 1 || bufferBytes < 1) {
            throw new IllegalArgumentException("batchBytes, maxInFlight and bufferBytes must be positive: "
                    + batchBytes + ", " + maxInFlight + ", " + bufferBytes);
        }
        if (linger.isNegative() || deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
            throw new IllegalArgumentException("linger must not be negative and deliveryTimeout must be positive: "
                    + linger + ", " + deliveryTimeout);
        }
    }
}
