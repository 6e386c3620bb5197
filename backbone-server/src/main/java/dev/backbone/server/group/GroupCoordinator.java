package dev.backbone.server.group;

import dev.backbone.server.log.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The membership state machine of consumer groups: members join with a session lease, heartbeat to renew it,
 * leave, or expire when the lease ends. Any change of membership or of the subscribed topics' partition counts
 * starts a new generation at once and reassigns partitions with the {@link StickyAssignor}; members learn of it on
 * their next heartbeat (or fetch). Commits are fenced by generation and ownership with {@link #checkCommit}.
 *
 * <p>Membership lives in memory only: after a restart members join again. Expiry needs no timer for correctness:
 * every operation on a group first drops its expired members; {@link #expireSessions()} (called periodically)
 * only makes the rebalance visible to the others sooner.
 *
 * <p>Thread safety: thread-safe. Each group is guarded by its own monitor, so groups never contend with each
 * other; generation listeners are called after that monitor is released.
 */
public final class GroupCoordinator {

    private final Clock clock;
    private final PartitionCounts partitionCounts;
    private final GroupSettings settings;
    private final ConcurrentMap<String, GroupState> groups = new ConcurrentHashMap<>();
    private final List<Consumer<String>> generationListeners = new CopyOnWriteArrayList<>();

    public GroupCoordinator(Clock clock, PartitionCounts partitionCounts, GroupSettings settings) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.partitionCounts = Objects.requireNonNull(partitionCounts, "partitionCounts");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public GroupSettings settings() {
        return settings;
    }

    /** Registers a callback run with the group's name each time a group starts a new generation. */
    public void addGenerationListener(Consumer<String> listener) {
        generationListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a new member subscribed to {@code topics} and rebalances.
     *
     * @param sessionTimeout the lease, or null for the default
     * @throws InvalidGroupRequestException for a bad name, no topics or a timeout out of bounds
     * @throws GroupFullException when the group has the most members allowed
     */
    public MemberAssignment join(String group, Collection<String> topics, Duration sessionTimeout) {
        GroupNames.requireLegalGroup(group);
        Set<String> subscription = validateTopics(group, topics);
        long timeoutMs = validateSessionTimeout(group, sessionTimeout).toMillis();
        GroupState state = groups.computeIfAbsent(group, name -> new GroupState(name, 0));
        MemberAssignment result = null;
        boolean changed;
        synchronized (state) {
            long now = clock.millis();
            changed = refreshLocked(state, now);
            if (state.memberCount() < settings.maxMembersPerGroup()) {
                String memberId = "member-" + UUID.randomUUID();
                state.addMember(new GroupState.Member(memberId, subscription, timeoutMs, now));
                state.rebalance(partitionCounts);
                result = assignmentLocked(state, memberId);
            }
        }
        fireIf(changed || result != null, group);
        if (result == null) {
            throw new GroupFullException(group, settings.maxMembersPerGroup());
        }
        return result;
    }

    /**
     * Renews the member's lease and answers its current generation and partitions.
     *
     * @throws UnknownMemberException when the member left or its lease ended
     */
    public MemberAssignment heartbeat(String group, String memberId) {
        GroupState state = existing(group, memberId);
        boolean changed;
        MemberAssignment result = null;
        synchronized (state) {
            long now = clock.millis();
            changed = refreshLocked(state, now);
            GroupState.Member member = state.member(memberId);
            if (member != null) {
                member.renew(now);
                result = assignmentLocked(state, memberId);
            }
        }
        fireIf(changed, group);
        if (result == null) {
            throw new UnknownMemberException(group, memberId);
        }
        return result;
    }

    /**
     * Removes the member and rebalances the others.
     *
     * @throws UnknownMemberException when the member is not in the group
     */
    public void leave(String group, String memberId) {
        GroupState state = existing(group, memberId);
        boolean removed;
        boolean changed;
        synchronized (state) {
            changed = refreshLocked(state, clock.millis());
            removed = state.removeMember(memberId);
            if (removed) {
                state.rebalance(partitionCounts);
            }
        }
        fireIf(changed || removed, group);
        if (!removed) {
            throw new UnknownMemberException(group, memberId);
        }
    }

    /**
     * Checks that a commit may proceed: the member is live, {@code generation} is current and the member owns
     * every partition. Renews the member's lease. Run it under the offsets log's append lock so that the check
     * and the write are one step.
     *
     * @throws UnknownMemberException     when the member is not in the group
     * @throws GenerationFencedException  when the generation is not the current one
     * @throws PartitionNotOwnedException when the member does not own one of the partitions
     */
    public void checkCommit(String group, String memberId, int generation, Collection<TopicPartition> partitions) {
        GroupState state = existing(group, memberId);
        boolean changed;
        GroupException refusal = null;
        synchronized (state) {
            long now = clock.millis();
            changed = refreshLocked(state, now);
            GroupState.Member member = state.member(memberId);
            if (member == null) {
                refusal = new UnknownMemberException(group, memberId);
            } else if (generation != state.generation()) {
                refusal = new GenerationFencedException(group, memberId, generation, state.generation());
            } else {
                for (TopicPartition tp : partitions) {
                    if (!state.owns(memberId, tp)) {
                        refusal = new PartitionNotOwnedException(group, memberId, generation, tp);
                        break;
                    }
                }
                if (refusal == null) {
                    member.renew(now);
                }
            }
        }
        fireIf(changed, group);
        if (refusal != null) {
            throw refusal;
        }
    }

    /**
     * The member's current assignment, renewing its lease: what a group fetch serves.
     *
     * @throws UnknownMemberException when the member is not in the group
     */
    public MemberAssignment member(String group, String memberId) {
        return heartbeat(group, memberId);
    }

    /** A snapshot of the group after dropping expired members, or empty if it never had a member. */
    public Optional<GroupView> describe(String group) {
        GroupState state = groups.get(group);
        if (state == null) {
            return Optional.empty();
        }
        boolean changed;
        GroupView view;
        synchronized (state) {
            changed = refreshLocked(state, clock.millis());
            view = state.view();
        }
        fireIf(changed, group);
        return Optional.of(view);
    }

    /** Names of every group known to the coordinator (including empty ones), sorted. */
    public List<String> groupNames() {
        return new ArrayList<>(new TreeSet<>(groups.keySet()));
    }

    /**
     * Makes sure the group's next generation is above {@code generation}: after a restart, generation numbers
     * continue from the highest one found in committed offsets instead of starting again at 1.
     */
    public void raiseGeneration(String group, int generation) {
        GroupState state = groups.computeIfAbsent(group, name -> new GroupState(name, 0));
        synchronized (state) {
            state.raiseGenerationTo(generation);
        }
    }

    /**
     * Drops every member of the group and starts a new, empty generation: for a cluster's broker that coordinates the
     * group again after another broker did, whose members (if any) joined that coordinator. They get
     * {@code unknown-member} here and join again. Parked group fetches are woken to find that out.
     */
    public void forgetMembers(String group) {
        GroupState state = groups.get(group);
        if (state == null) {
            return;
        }
        boolean removed;
        synchronized (state) {
            removed = state.removeAllMembers();
            if (removed) {
                state.rebalance(partitionCounts);
            }
        }
        fireIf(removed, group);
    }

    /** Drops expired members and follows partition-count changes in every group; returns how many groups rebalanced. */
    public int expireSessions() {
        int rebalanced = 0;
        for (GroupState state : groups.values()) {
            boolean changed;
            synchronized (state) {
                changed = refreshLocked(state, clock.millis());
            }
            if (changed) {
                rebalanced++;
                fireGenerationChanged(state.name());
            }
        }
        return rebalanced;
    }

    private GroupState existing(String group, String memberId) {
        GroupState state = groups.get(group);
        if (state == null) {
            throw new UnknownMemberException(group, memberId);
        }
        return state;
    }

    /** Drops expired members and rebalances if membership or partition counts changed; true if it rebalanced. */
    private boolean refreshLocked(GroupState state, long nowMs) {
        boolean expired = state.expire(nowMs);
        if (expired || state.partitionCountsChanged(partitionCounts)) {
            state.rebalance(partitionCounts);
            return true;
        }
        return false;
    }

    private MemberAssignment assignmentLocked(GroupState state, String memberId) {
        GroupState.Member member = state.member(memberId);
        return new MemberAssignment(state.name(), memberId, state.generation(), member.sessionTimeoutMs,
                state.partitionsOf(memberId));
    }

    private Set<String> validateTopics(String group, Collection<String> topics) {
        if (topics == null || topics.isEmpty()) {
            throw new InvalidGroupRequestException(group, "topics", "a member must subscribe to at least one topic");
        }
        Set<String> subscription = new TreeSet<>();
        for (String topic : topics) {
            subscription.add(GroupNames.requireLegalTopic(group, topic));
        }
        if (subscription.size() > settings.maxTopicsPerMember()) {
            throw new InvalidGroupRequestException(group, "topics", "a member may subscribe to at most "
                    + settings.maxTopicsPerMember() + " topics, asked for " + subscription.size());
        }
        return subscription;
    }

    private Duration validateSessionTimeout(String group, Duration requested) {
        if (requested == null) {
            return settings.defaultSessionTimeout();
        }
        if (requested.compareTo(settings.minSessionTimeout()) < 0
                || requested.compareTo(settings.maxSessionTimeout()) > 0) {
            throw new InvalidGroupRequestException(group, "sessionTimeoutMs", "sessionTimeoutMs "
                    + requested.toMillis() + " is outside the allowed range " + settings.minSessionTimeout().toMillis()
                    + " to " + settings.maxSessionTimeout().toMillis());
        }
        return requested;
    }

    private void fireIf(boolean changed, String group) {
        if (changed) {
            fireGenerationChanged(group);
        }
    }

    private void fireGenerationChanged(String group) {
        for (Consumer<String> listener : generationListeners) {
            listener.accept(group);
        }
    }
}
