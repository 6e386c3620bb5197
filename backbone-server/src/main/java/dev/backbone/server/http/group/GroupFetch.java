package dev.backbone.server.http.group;

import dev.backbone.client.batch.Record;
import java.util.List;

/**
 * The answer to a member's fetch: records of all its partitions, tagged with topic and partition, and for every
 * assigned partition the offset to continue from (what to commit once the records are processed).
 *
 * @param group       the group
 * @param memberId    the member
 * @param generation  the generation the records were read in; commit with it
 * @param records     the records, partition by partition, each in offset order
 * @param nextOffsets one entry per assigned partition
 */
public record GroupFetch(String group, String memberId, int generation, List<TaggedRecord> records,
                         List<NextOffset> nextOffsets) {

    public GroupFetch {
        records = List.copyOf(records);
        nextOffsets = List.copyOf(nextOffsets);
    }

    /** One record with the partition it came from. */
    public record TaggedRecord(String topic, int partition, Record record) {
    }

    /**
     * @param topic     the topic
     * @param partition the partition
     * @param offset    the next offset to read (and to commit after processing what came before it)
     * @param endOffset the partition's end offset when the answer was made; {@code endOffset - offset} is the lag
     */
    public record NextOffset(String topic, int partition, long offset, long endOffset) {
    }
}
