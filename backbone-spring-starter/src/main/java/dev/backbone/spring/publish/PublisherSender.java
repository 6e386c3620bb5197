package dev.backbone.spring.publish;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.backbone.client.Murmur2Partitioner;
import dev.backbone.client.http.BackboneClient;
import dev.backbone.client.http.BackboneProblemException;
import dev.backbone.client.http.IdempotentProducer;
import dev.backbone.client.http.ProducerRecord;
import dev.backbone.client.http.ProduceResult;
import dev.backbone.client.http.TopicInfo;
import dev.backbone.client.http.UnknownTopicException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The publisher's one background thread: takes records from the inbox, learns each topic's partition count,
 * groups records per partition, and sends a partition's batch when it is full, has lingered, or nothing is in
 * flight (unless {@link PublisherSettings#lingerWhenIdle()}), through the idempotent producer (one request per
 * partition at a time, at most {@code maxInFlight} overall). Fails records whose delivery timeout passed.
 *
 * <p>All state but the inbox and the wake-up flags is confined to the sender thread; other threads only
 * {@link #offer} to the inbox.
 */
final class PublisherSender implements Runnable {

    private static final Log log = LogFactory.getLog(PublisherSender.class);

    private static final long METADATA_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The shortest look-again while records wait behind requests in flight, for a linger of zero. */
    private static final long MIN_BUSY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private record MetadataAnswer(String topic, int partitions, Throwable error) {
    }

    private record SendDone(PartitionQueue queue) {
    }

    private final BackboneClient client;

    private final IdempotentProducer producer;

    private final PublisherSettings settings;

    private final Consumer<PendingRecord> onDone;

    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();

    /**
     * Set while the sender sleeps with nothing to send: only then does a new record wake it. While records wait
     * for their linger, the sender wakes by itself when the linger ends, so publishers do not pay a thread wake-up
     * (a system call and a context switch) per record.
     */
    private volatile boolean idle;

    private volatile Thread thread;

    private final Map<String, Integer> partitionCounts = new HashMap<>();

    private final Map<String, List<PendingRecord>> awaitingMetadata = new HashMap<>();

    private final Map<String, Long> metadataRequestedAt = new HashMap<>();

    private final Map<String, Integer> stickyPartition = new HashMap<>();

    private final Map<String, PartitionQueue[]> queues = new HashMap<>();

    private final long lingerNanos;

    private int inFlight;

    private volatile boolean closing;

    private volatile Throwable lastError;

    /**
     * @param onDone called once per record after its future completed (releases its buffer bytes)
     */
    PublisherSender(BackboneClient client, PublisherSettings settings, Consumer<PendingRecord> onDone) {
        this.client = client;
        this.producer = client.idempotentProducer(settings.compression());
        this.settings = settings;
        this.onDone = onDone;
        this.lingerNanos = settings.linger().toNanos();
    }

    void offer(PendingRecord record) {
        inbox.add(record);
        if (idle) {
            wake();
        }
    }

    private void signal(Object event) {
        inbox.add(event);
        wake();
    }

    private void wake() {
        Thread sender = thread;
        if (sender != null) {
            LockSupport.unpark(sender);
        }
    }

    /** Sends everything waiting without lingering, then lets {@link #run} end once nothing is left. */
    void close() {
        closing = true;
        wake();
    }

    /** The last error a send or a topic look-up met, for the health indicator; null after a success. */
    Throwable lastError() {
        return lastError;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (true) {
            sleep(waitNanos(System.nanoTime()));
            for (Object event = inbox.poll(); event != null; event = inbox.poll()) {
                handle(event);
            }
            long now = System.nanoTime();
            retryMetadata(now);
            expire(now);
            sendReady(now);
            if (closing && inFlight == 0 && nothingWaiting()) {
                return;
            }
        }
    }

    private void sleep(long nanos) {
        if (nanos <= 0 || !inbox.isEmpty()) {
            return;
        }
        // Records waiting here are sent when their linger ends or a request returns (which wakes the sender), and
        // a busy sender looks again within a linger (waitNanos), so only an idle one needs waking by a new record.
        // Only the partition queues count here: a record that reached the inbox after the check above must not
        // make the sender busy, unwakeable and asleep for the whole idle wait that waitNanos gave an empty one.
        // (Records waiting for their topic's partitions are sent when the answer's signal wakes the sender.)
        boolean queuesEmpty = queuesEmpty();
        idle = queuesEmpty;
        // A record added between the check above and setting the flag must not sleep through the idle wait.
        if (!queuesEmpty || inbox.isEmpty()) {
            LockSupport.parkNanos(this, nanos);
        }
        idle = false;
        if (Thread.interrupted()) {
            closing = true;
        }
    }

    private void handle(Object event) {
        if (event instanceof PendingRecord record) {
            place(record);
        } else if (event instanceof MetadataAnswer answer) {
            onMetadata(answer);
        } else if (event instanceof SendDone done) {
            done.queue().inFlight = false;
            inFlight--;
        }
    }

    private void place(PendingRecord record) {
        Integer count = partitionCounts.get(record.topic);
        if (count == null) {
            awaitingMetadata.computeIfAbsent(record.topic, t -> new ArrayList<>()).add(record);
            if (!metadataRequestedAt.containsKey(record.topic)) {
                requestMetadata(record.topic);
            }
            return;
        }
        boolean keyless = record.record.key() == null;
        int partition = keyless ? stickyPartition.computeIfAbsent(record.topic, t -> 0)
                : Murmur2Partitioner.partition(record.record.key(), count);
        record.partition = partition;
        PartitionQueue queue = queueOf(record.topic, partition, count);
        queue.add(record, System.nanoTime());
        if (keyless && queue.bytes() >= settings.batchBytes()) {
            // A full batch moves keyless records on at once, as Kafka's sticky partitioner does: waiting for the
            // send would pile them onto a partition whose request is still in flight while the others stand idle.
            stickyPartition.put(record.topic, (partition + 1) % count);
        }
    }

    private PartitionQueue queueOf(String topic, int partition, int count) {
        PartitionQueue[] perTopic = queues.computeIfAbsent(topic, t -> new PartitionQueue[count]);
        if (perTopic[partition] == null) {
            perTopic[partition] = new PartitionQueue(topic, partition);
        }
        return perTopic[partition];
    }

    private void requestMetadata(String topic) {
        metadataRequestedAt.put(topic, System.nanoTime());
        client.describeTopic(topic)
                .onErrorResume(UnknownTopicException.class, e -> createWithBrokerDefaults(topic))
                .map(TopicInfo::partitions)
                .subscribe(
                        partitions -> signal(new MetadataAnswer(topic, partitions.size(), null)),
                        error -> signal(new MetadataAnswer(topic, 0, error)));
    }

    /** Creates a missing topic with the broker's default partition count (a request without a count). */
    private reactor.core.publisher.Mono<TopicInfo> createWithBrokerDefaults(String topic) {
        return client.createTopicIfMissing(topic, 0, Map.of());
    }

    private void onMetadata(MetadataAnswer answer) {
        if (answer.error() != null || answer.partitions() < 1) {
            lastError = answer.error();
            log.debug("Could not learn the partitions of topic '" + answer.topic() + "'", answer.error());
            if (isPermanent(answer.error())) {
                // A refusal such as an invalid topic name or a denied access will not change by waiting.
                metadataRequestedAt.remove(answer.topic());
                List<PendingRecord> waiting = awaitingMetadata.remove(answer.topic());
                if (waiting != null) {
                    waiting.forEach(r -> fail(r, answer.error()));
                }
            }
            return;
        }
        metadataRequestedAt.remove(answer.topic());
        partitionCounts.put(answer.topic(), answer.partitions());
        List<PendingRecord> waiting = awaitingMetadata.remove(answer.topic());
        if (waiting != null) {
            waiting.forEach(this::place);
        }
    }

    private static boolean isPermanent(Throwable error) {
        return error instanceof BackboneProblemException problem && problem.status() >= 400
                && problem.status() < 500 && problem.status() != 408 && problem.status() != 429;
    }

    private void retryMetadata(long now) {
        for (String topic : awaitingMetadata.keySet()) {
            Long requested = metadataRequestedAt.get(topic);
            if (requested != null && !partitionCounts.containsKey(topic) && now - requested >= METADATA_RETRY_NANOS
                    && lastError != null) {
                requestMetadata(topic);
            }
        }
    }

    private void expire(long now) {
        for (List<PendingRecord> waiting : awaitingMetadata.values()) {
            waiting.removeIf(r -> {
                if (r.deadlineNanos - now <= 0) {
                    fail(r, new DeliveryTimeoutException(r.topic, settings.deliveryTimeout(), lastError));
                    return true;
                }
                return false;
            });
        }
        for (PartitionQueue[] perTopic : queues.values()) {
            for (PartitionQueue q : perTopic) {
                if (q != null) {
                    for (PendingRecord r : q.expire(now)) {
                        fail(r, new DeliveryTimeoutException(r.topic, settings.deliveryTimeout(), lastError));
                    }
                }
            }
        }
    }

    private void sendReady(long now) {
        // With nothing in flight, lingering buys no batching that a request in flight would not give anyway: the
        // records that arrive while it is on its way form the next batch (as Nagle's algorithm does). So an idle
        // publisher sends at once, and the linger only bounds the wait behind requests in flight.
        // Once one partition's batch has lingered, the others go with it, as Kafka's producer drains every batch
        // for a broker when one is ready: their records leave early, and the requests go out together. Only when
        // nothing is in flight, so that answers coming back one by one never drag out small batches one by one.
        boolean drainAll = closing
                || (inFlight == 0 && (!settings.lingerWhenIdle() || anyLingered(now)));
        for (PartitionQueue[] perTopic : queues.values()) {
            for (PartitionQueue q : perTopic) {
                if (inFlight >= settings.maxInFlight()) {
                    return;
                }
                if (q != null && q.ready(now, lingerNanos, settings.batchBytes(), drainAll)) {
                    send(q, q.drain(settings.batchBytes(), now), now);
                }
            }
        }
    }

    private boolean anyLingered(long now) {
        for (PartitionQueue[] perTopic : queues.values()) {
            for (PartitionQueue q : perTopic) {
                if (q != null && q.nanosUntilReady(now, lingerNanos) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private void send(PartitionQueue q, List<PendingRecord> batch, long now) {
        q.inFlight = true;
        inFlight++;
        if (stickyPartition.containsKey(q.topic) && stickyPartition.get(q.topic) == q.partition) {
            stickyPartition.put(q.topic, (q.partition + 1) % queues.get(q.topic).length);
        }
        List<ProducerRecord> records = new ArrayList<>(batch.size());
        for (PendingRecord r : batch) {
            records.add(r.record);
        }
        long remainingNanos = Math.max(1, batch.get(0).deadlineNanos - now);
        producer.send(q.topic, q.partition, records, settings.flush())
                .timeout(java.time.Duration.ofNanos(remainingNanos))
                .subscribe(result -> succeed(batch, result), error -> {
                    failAll(batch, error);
                    signal(new SendDone(q));
                }, () -> signal(new SendDone(q)));
    }

    private void succeed(List<PendingRecord> batch, ProduceResult result) {
        lastError = null;
        long offset = result.firstOffset();
        for (PendingRecord r : batch) {
            r.future.complete(new PublishResult(r.topic, r.partition, offset++));
            onDone.accept(r);
        }
    }

    private void failAll(List<PendingRecord> batch, Throwable error) {
        lastError = error;
        Throwable cause = error instanceof java.util.concurrent.TimeoutException
                ? new DeliveryTimeoutException(batch.get(0).topic, settings.deliveryTimeout(), error) : error;
        for (PendingRecord r : batch) {
            fail(r, cause);
        }
    }

    private void fail(PendingRecord r, Throwable error) {
        r.future.completeExceptionally(error);
        onDone.accept(r);
    }

    private boolean nothingWaiting() {
        if (!inbox.isEmpty()) {
            return false;
        }
        for (List<PendingRecord> waiting : awaitingMetadata.values()) {
            if (!waiting.isEmpty()) {
                return false;
            }
        }
        return queuesEmpty();
    }

    private boolean queuesEmpty() {
        for (PartitionQueue[] perTopic : queues.values()) {
            for (PartitionQueue q : perTopic) {
                if (q != null && !q.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    private long waitNanos(long now) {
        if (closing) {
            return TimeUnit.MILLISECONDS.toNanos(1);
        }
        long wait = IDLE_WAIT_NANOS;
        if (inFlight >= settings.maxInFlight()) {
            return wait;
        }
        boolean waiting = false;
        for (PartitionQueue[] perTopic : queues.values()) {
            for (PartitionQueue q : perTopic) {
                if (q != null) {
                    wait = Math.min(wait, q.nanosUntilReady(now, lingerNanos));
                    waiting |= !q.isEmpty();
                }
            }
        }
        if (waiting) {
            // A new record wakes only an idle sender. While records wait behind a request in flight, the sender
            // looks again after one linger, so that a record for another partition never waits for that answer.
            wait = Math.min(wait, Math.max(lingerNanos, MIN_BUSY_WAIT_NANOS));
        }
        return Math.max(wait, 0);
    }
}
