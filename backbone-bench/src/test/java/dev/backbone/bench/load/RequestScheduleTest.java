package dev.backbone.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestScheduleTest {

    @Test
    void handsOutEveryRecordOnceAndTheLastRequestCarriesTheRest() {
        RequestSchedule schedule = new RequestSchedule(250, 100, null);

        List<Integer> counts = new ArrayList<>();
        for (RequestSchedule.Request r = schedule.next(); r != null; r = schedule.next()) {
            counts.add(r.records());
        }

        assertThat(counts).containsExactly(100, 100, 50);
        assertThat(schedule.next()).isNull();
    }

    @Test
    void atAFixedRateRequestsFallDueOnTheScheduleWhateverTheWorkersDo() {
        long start = 1_000_000;
        RequestSchedule schedule = new RequestSchedule(1_000, 10, new RateLimiter(200, start));

        List<Long> due = new ArrayList<>();
        for (RequestSchedule.Request r = schedule.next(); r != null; r = schedule.next()) {
            due.add(r.dueNanos());
        }

        assertThat(due).hasSize(100);
        assertThat(due.get(0)).isEqualTo(start);
        assertThat(due.get(99)).isEqualTo(start + 99 * TimeUnit.MILLISECONDS.toNanos(5));
    }

    @Test
    void latencyCountsFromTheDueTimeNotFromWhenTheWorkerGotToIt() {
        long due = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
        RequestSchedule.Request late = new RequestSchedule.Request(1, due);

        assertThat(late.awaitDue()).isEqualTo(due);

        long soon = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        RequestSchedule.Request early = new RequestSchedule.Request(1, soon);
        assertThat(early.awaitDue()).isEqualTo(soon);
        assertThat(System.nanoTime()).isGreaterThanOrEqualTo(soon);
    }
}
