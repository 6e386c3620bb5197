package dev.backbone.server.http.idempotency;

import static dev.backbone.client.batch.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.HEADER_SIZE;
import static dev.backbone.client.batch.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.LOG_OVERHEAD;
import static dev.backbone.client.batch.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static dev.backbone.client.batch.RecordBatchDescriptor.PRODUCER_ID_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProducerStateTableTest {

    private final ProducerStateTable table = new ProducerStateTable("t-0", 100);
    private long nextOffset;

    @Test
    void batchesWithoutAProducerIdAreAlwaysFresh() {
        ByteBuffer plain = batches(header(-1, (short) -1, -1, 3));
        assertThat(ProducerStateTable.hasProducerId(plain)).isFalse();
        assertThat(table.check(plain).duplicate()).isFalse();
        append(plain);
        assertThat(table.check(plain).duplicate()).isFalse();
        assertThat(table.producerCount()).isZero();
    }

    @Test
    void aRetriedBatchIsADuplicateWithItsOriginalOffset() {
        ByteBuffer first = batches(header(7, (short) 0, 0, 10));
        assertThat(ProducerStateTable.hasProducerId(first)).isTrue();
        long firstBase = append(first);
        long secondBase = append(batches(header(7, (short) 0, 10, 5)));

        ProducerStateTable.Check retry = table.check(batches(header(7, (short) 0, 0, 10)));
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.originalBaseOffsets()).containsExactly(firstBase);
        assertThat(table.check(batches(header(7, (short) 0, 10, 5))).originalBaseOffsets())
                .containsExactly(secondBase);
        assertThat(table.check(batches(header(7, (short) 0, 15, 1))).duplicate()).isFalse();
    }

    @Test
    void aGapIsOutOfOrder() {
        append(batches(header(7, (short) 0, 0, 10)));
        assertThatThrownBy(() -> table.check(batches(header(7, (short) 0, 11, 1))))
                .isInstanceOf(OutOfOrderSequenceException.class)
                .hasMessageContaining("expected sequence 10, got 11")
                .satisfies(e -> assertThat(((OutOfOrderSequenceException) e).producerId()).isEqualTo(7));
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        for (int i = 0; i < 6; i++) {
            append(batches(header(7, (short) 0, i, 1)));
        }
        assertThat(table.check(batches(header(7, (short) 0, 1, 1))).duplicate()).isTrue();
        assertThatThrownBy(() -> table.check(batches(header(7, (short) 0, 0, 1))))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void aNewEpochStartsAtZeroAndFencesTheOldOne() {
        append(batches(header(7, (short) 0, 0, 3)));
        assertThatThrownBy(() -> table.check(batches(header(7, (short) 1, 3, 1))))
                .isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("new epoch");
        append(batches(header(7, (short) 1, 0, 1)));
        assertThatThrownBy(() -> table.check(batches(header(7, (short) 0, 3, 1))))
                .isInstanceOf(ProducerFencedException.class)
                .hasMessageContaining("producer 7 epoch 0 is fenced on t-0: epoch 1");
    }

    @Test
    void anUnknownProducerMayStartAtAnySequence() {
        assertThat(table.check(batches(header(9, (short) 3, 1234, 1))).duplicate()).isFalse();
    }

    @Test
    void batchesOfOneRequestMustFollowEachOther() {
        assertThat(table.check(batches(header(7, (short) 0, 0, 2), header(7, (short) 0, 2, 2))).duplicate())
                .isFalse();
        assertThatThrownBy(() -> table.check(batches(header(7, (short) 0, 0, 2), header(7, (short) 0, 3, 2))))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void aRequestThatRepeatsEveryBatchIsADuplicateButAMixIsRefused() {
        ByteBuffer request = batches(header(7, (short) 0, 0, 2), header(8, (short) 0, 0, 2));
        long base = append(request);
        ProducerStateTable.Check retry = table.check(batches(header(7, (short) 0, 0, 2), header(8, (short) 0, 0, 2)));
        assertThat(retry.originalBaseOffsets()).containsExactly(base, base + 2);

        assertThatThrownBy(() -> table.check(batches(header(7, (short) 0, 0, 2), header(7, (short) 0, 2, 2))))
                .isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("mixes 1 batches");
    }

    @Test
    void sequencesWrapAfterIntegerMaxValue() {
        assertThat(ProducerStateTable.lastSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
        append(batches(header(7, (short) 0, Integer.MAX_VALUE - 1, 4)));
        assertThat(table.check(batches(header(7, (short) 0, 2, 1))).duplicate()).isFalse();
        assertThatThrownBy(() -> table.check(batches(header(7, (short) 0, 3, 1))))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void theLeastRecentlyUsedProducerIsForgottenWhenFull() {
        ProducerStateTable small = new ProducerStateTable("t-0", 2);
        for (long id = 1; id <= 3; id++) {
            ByteBuffer stored = batches(header(id, (short) 0, 0, 1));
            stored.putLong(BASE_OFFSET_OFFSET, id);
            small.record(stored);
        }
        assertThat(small.producerCount()).isEqualTo(2);
        assertThat(small.check(batches(header(1, (short) 0, 0, 1))).duplicate()).isFalse();
        assertThat(small.check(batches(header(3, (short) 0, 0, 1))).duplicate()).isTrue();
    }

    static LongStream seeds() {
        long base = System.nanoTime();
        return LongStream.range(0, 10).map(i -> base + i);
    }

    /** Producers send in order, retry recent or old batches, and skip ahead; compared with a list of what was sent. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomRetriesMatchAModel(long seed) {
        Random random = new Random(seed);
        int[] nextSequence = new int[3];
        List<List<long[]>> sent = new ArrayList<>(); // per producer: {firstSeq, count, baseOffset}
        for (int i = 0; i < 3; i++) {
            sent.add(new ArrayList<>());
        }
        for (int step = 0; step < 300; step++) {
            int producer = random.nextInt(3);
            List<long[]> history = sent.get(producer);
            int choice = random.nextInt(10);
            if (choice < 6 || history.isEmpty()) {
                int count = 1 + random.nextInt(4);
                ByteBuffer batch = batches(header(producer, (short) 0, nextSequence[producer], count));
                assertThat(table.check(batch).duplicate()).as("seed %d step %d", seed, step).isFalse();
                long base = append(batch);
                history.add(new long[] {nextSequence[producer], count, base});
                nextSequence[producer] += count;
            } else if (choice < 9) {
                int back = random.nextInt(history.size());
                long[] old = history.get(history.size() - 1 - back);
                ByteBuffer retry = batches(header(producer, (short) 0, (int) old[0], (int) old[1]));
                if (back < ProducerStateTable.BATCHES_PER_PRODUCER) {
                    assertThat(table.check(retry).originalBaseOffsets()).as("seed %d step %d", seed, step)
                            .containsExactly(old[2]);
                } else {
                    assertThatThrownBy(() -> table.check(retry)).as("seed %d step %d", seed, step)
                            .isInstanceOf(OutOfOrderSequenceException.class);
                }
            } else {
                ByteBuffer gap = batches(header(producer, (short) 0, nextSequence[producer] + 1 + random.nextInt(5), 1));
                assertThatThrownBy(() -> table.check(gap)).as("seed %d step %d", seed, step)
                        .isInstanceOf(OutOfOrderSequenceException.class);
            }
        }
    }

    /** Assigns offsets as the log would and records the batches; answers the first base offset. */
    private long append(ByteBuffer request) {
        long first = nextOffset;
        for (int p = request.position(); p < request.limit(); p += LOG_OVERHEAD + request.getInt(p + BATCH_LENGTH_OFFSET)) {
            request.putLong(p + BASE_OFFSET_OFFSET, nextOffset);
            nextOffset += request.getInt(p + LAST_OFFSET_DELTA_OFFSET) + 1;
        }
        table.record(request);
        return first;
    }

    private static ByteBuffer header(long producerId, short epoch, int baseSequence, int recordCount) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        b.putInt(BATCH_LENGTH_OFFSET, HEADER_SIZE - LOG_OVERHEAD);
        b.putInt(LAST_OFFSET_DELTA_OFFSET, recordCount - 1);
        b.putLong(PRODUCER_ID_OFFSET, producerId);
        b.putShort(PRODUCER_EPOCH_OFFSET, epoch);
        b.putInt(BASE_SEQUENCE_OFFSET, baseSequence);
        return b;
    }

    private static ByteBuffer batches(ByteBuffer... headers) {
        ByteBuffer all = ByteBuffer.allocate(headers.length * HEADER_SIZE);
        for (ByteBuffer h : headers) {
            all.put(h.duplicate().clear());
        }
        return all.flip();
    }
}
