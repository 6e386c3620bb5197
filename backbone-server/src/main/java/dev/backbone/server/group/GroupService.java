package dev.backbone.server.group;

import dev.backbone.server.log.PartitionLog;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.topic.Topic;
import dev.backbone.server.topic.TopicRegistry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consumer groups as the HTTP layer sees them: the {@link GroupCoordinator}'s membership joined with the
 * {@link OffsetStore}'s committed offsets and the topics' end offsets.
 *
 * <p>Thread safety: thread-safe. {@link #commit} blocks on the offsets log (and its fsync): call it off the event
 * loop; the other methods only read memory.
 */
public final class GroupService {

    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final TopicRegistry registry;
    private final GroupCoordinator coordinator;
    private final OffsetStore store;
    /** Per offsets partition, the coordinator term the membership of its groups belongs to. */
    private final Map<Integer, Long> adoptedTerms = new ConcurrentHashMap<>();

    public GroupService(TopicRegistry registry, GroupCoordinator coordinator, OffsetStore store) {
        this.registry = registry;
        this.coordinator = coordinator;
        this.store = store;
    }

    public GroupCoordinator coordinator() {
        return coordinator;
    }

    /** The partition counts the coordinator follows: those of the registry's topics, 0 for a missing one. */
    public static PartitionCounts partitionCounts(TopicRegistry registry) {
        return topic -> registry.find(topic).map(Topic::partitionCount).orElse(0);
    }

    public MemberState join(String group, Collection<String> topics, Duration sessionTimeout) {
        GroupNames.requireLegalGroup(group);
        coordinating(group);
        return withOffsets(coordinator.join(group, topics, sessionTimeout));
    }

    public MemberState heartbeat(String group, String memberId) {
        coordinating(group);
        return withOffsets(coordinator.heartbeat(group, memberId));
    }

    public void leave(String group, String memberId) {
        coordinating(group);
        coordinator.leave(group, memberId);
    }

    /**
     * The term in which this broker coordinates {@code group}, having first dropped the members its groups had in any
     * earlier term (in a cluster another broker coordinated them meanwhile, so they rejoined there) and raised their
     * generations above every one the replicated commits show. A single broker is always in term 0.
     *
     * @throws NotCoordinatorException when this broker does not coordinate the group
     */
    private long coordinating(String group) {
        int partition = store.partitionIndex(group);
        long term = store.coordinatorTerm(group).orElseThrow(() -> new NotCoordinatorException(group, partition));
        Long adopted = adoptedTerms.get(partition);
        if (adopted == null || adopted != term) {
            synchronized (adoptedTerms) {
                adopted = adoptedTerms.get(partition);
                if (adopted == null || adopted != term) {
                    adopt(partition);
                    adoptedTerms.put(partition, term);
                }
            }
        }
        return term;
    }

    private void adopt(int partition) {
        for (String group : coordinator.groupNames()) {
            if (store.partitionIndex(group) == partition) {
                coordinator.forgetMembers(group);
            }
        }
        for (String group : store.offsets().groups()) {
            if (store.partitionIndex(group) == partition) {
                coordinator.raiseGeneration(group, store.offsets().maxGeneration(group));
            }
        }
    }

    /**
     * Commits after checking each offset lies within its partition ({@code 0 <= offset <= endOffset}); fencing
     * by generation and ownership happens under the offsets log's append lock. Blocks.
     *
     * @throws InvalidGroupRequestException when an offset is beyond its partition's end or the partition is gone
     * @throws GroupException               when fenced (see {@link OffsetStore#commit})
     * @throws IOException                  when the offsets log refuses the write
     */
    public void commit(OffsetCommit commit) throws IOException {
        GroupNames.requireLegalGroup(commit.group());
        long term = coordinating(commit.group());
        for (OffsetCommit.PartitionOffset entry : commit.offsets()) {
            TopicPartition tp = entry.topicPartition();
            Optional<Topic> topic = registry.find(tp.topic());
            if (topic.isEmpty() || tp.partition() >= topic.get().partitionCount()) {
                // An owned partition always exists; a missing one can only be a stale or bogus claim.
                coordinator.checkCommit(commit.group(), commit.memberId(), commit.generation(), List.of(tp));
                throw new PartitionNotOwnedException(commit.group(), commit.memberId(), commit.generation(), tp);
            }
            long end = topic.get().partition(tp.partition()).logEndOffset();
            if (entry.offset() < 0 || entry.offset() > end) {
                throw new InvalidGroupRequestException(commit.group(), "offsets", "offset " + entry.offset()
                        + " for " + tp.topic() + " partition " + tp.partition() + " is outside 0 to the end offset "
                        + end);
            }
        }
        store.commit(commit, term);
    }

    /**
     * Where a member's fetch of {@code tp} starts without an explicit offset: the committed offset, raised to the
     * log start if retention removed what it points at; the log start if nothing was committed.
     */
    public long fetchStart(String group, PartitionLog log) {
        long start = log.logStartOffset();
        return store.committed(group, log.topicPartition())
                .map(c -> Math.max(c.offset(), start))
                .orElse(start);
    }

    /** The member's assignment, renewing its lease (a fetch is a sign of life). */
    public MemberAssignment member(String group, String memberId) {
        coordinating(group);
        return coordinator.member(group, memberId);
    }

    /**
     * Every group with members or committed offsets, sorted by name. In a cluster, members are shown for the groups
     * this broker coordinates; the others show their committed offsets (describe one to reach its coordinator).
     */
    public List<GroupDescription> list() {
        TreeSet<String> names = new TreeSet<>(coordinator.groupNames());
        names.addAll(store.offsets().groups());
        List<GroupDescription> result = new ArrayList<>();
        for (String name : names) {
            boolean coordinated = store.coordinatorTerm(name).isPresent();
            describeIfKnown(name, coordinated).ifPresent(result::add);
        }
        return result;
    }

    /**
     * @throws UnknownGroupException   when the group has neither members (ever) nor committed offsets
     * @throws NotCoordinatorException when this broker does not coordinate the group
     */
    public GroupDescription describe(String group) {
        coordinating(group);
        return describeIfKnown(group, true).orElseThrow(() -> new UnknownGroupException(group));
    }

    private Optional<GroupDescription> describeIfKnown(String group, boolean withMembers) {
        Optional<GroupView> view = withMembers ? coordinator.describe(group) : Optional.empty();
        Map<TopicPartition, CommittedOffset> committed = store.offsets().committed(group);
        if (view.isEmpty() && committed.isEmpty()) {
            return Optional.empty();
        }
        Map<TopicPartition, String> owners = new TreeMap<>(ORDER);
        view.ifPresent(v -> v.members().forEach(m -> m.partitions().forEach(tp -> owners.put(tp, m.memberId()))));
        TreeSet<TopicPartition> partitions = new TreeSet<>(ORDER);
        partitions.addAll(owners.keySet());
        partitions.addAll(committed.keySet());
        List<GroupDescription.PartitionLag> lags = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Optional<Topic> topic = registry.find(tp.topic());
            if (topic.isEmpty() || tp.partition() >= topic.get().partitionCount()) {
                continue;
            }
            PartitionLog log = topic.get().partition(tp.partition());
            long start = log.logStartOffset();
            long end = log.logEndOffset();
            CommittedOffset c = committed.get(tp);
            long position = c == null ? start : Math.max(c.offset(), start);
            lags.add(new GroupDescription.PartitionLag(tp.topic(), tp.partition(), c == null ? null : c.offset(),
                    start, end, Math.max(0, end - position), owners.get(tp)));
        }
        int generation = view.map(GroupView::generation).orElse(store.offsets().maxGeneration(group));
        List<GroupView.Member> members = view.map(GroupView::members).orElse(List.of());
        return Optional.of(new GroupDescription(group, generation, members.isEmpty() ? "Empty" : "Stable", members,
                lags));
    }

    private MemberState withOffsets(MemberAssignment assignment) {
        List<MemberState.AssignedPartition> partitions = new ArrayList<>();
        for (TopicPartition tp : assignment.partitions()) {
            Long committed = store.committed(assignment.group(), tp).map(CommittedOffset::offset).orElse(null);
            partitions.add(new MemberState.AssignedPartition(tp.topic(), tp.partition(), committed));
        }
        return new MemberState(assignment, partitions);
    }
}
