package dev.backbone.server.http.group;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.backbone.server.error.BackboneException;
import dev.backbone.server.error.ProblemType;
import dev.backbone.server.group.GroupDescription;
import dev.backbone.server.group.GroupService;
import dev.backbone.server.group.GroupView;
import dev.backbone.server.group.InvalidGroupRequestException;
import dev.backbone.server.group.MemberState;
import dev.backbone.server.group.OffsetCommit;
import dev.backbone.server.http.BlockingScheduler;
import dev.backbone.server.http.HttpLimits;
import dev.backbone.server.http.ProblemResponses;
import dev.backbone.server.http.RequestParams;
import dev.backbone.server.log.FsyncFailedException;
import dev.backbone.server.log.TopicPartition;
import dev.backbone.server.security.Resource;
import dev.backbone.server.security.Visibility;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@code /v1/groups}: consumer groups. Members join with a session lease, heartbeat, leave, commit offsets
 * (fenced by generation and ownership) and fetch all their partitions in one long poll. See {@code docs/GROUPS.md}.
 *
 * <p>Thread safety: stateless apart from its collaborators, which are thread-safe.
 */
@RestController
@RequestMapping(path = "/v1/groups", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Consumer groups", description = "Join, heartbeat, leave, commit offsets, describe, group fetch")
public class GroupsController {

    /**
     * The body of a join.
     *
     * @param topics           the topics to consume, at least one
     * @param sessionTimeoutMs the lease: the member is removed this long after it was last heard from
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record JoinRequest(List<String> topics, Long sessionTimeoutMs) {
    }

    /** One assigned partition with the group's committed offset there (null if none). */
    public record Assignment(String topic, int partition, Long committedOffset) {
    }

    /** The answer to join and heartbeat. */
    public record MemberResponse(String memberId, int generation, long sessionTimeoutMs,
                                 List<Assignment> assignments) {
    }

    /**
     * One offset of a commit.
     *
     * @param offset   the next offset to consume: one past the last processed record
     * @param metadata optional free text kept with the offset
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CommitEntry(String topic, Integer partition, Long offset, String metadata) {
    }

    /** The body of a commit; the {@code nextOffsets} of a group fetch fit {@code offsets} as they are. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CommitRequest(String memberId, Integer generation, List<CommitEntry> offsets) {
    }

    /** One entry of the group list. */
    public record GroupSummary(String group, String state, int generation, int members) {
    }

    /** The group list. */
    public record GroupList(List<GroupSummary> groups) {
    }

    /** A live member as a description shows it. */
    public record MemberDescription(String memberId, List<String> topics, long sessionTimeoutMs,
                                    long sessionExpiresAt, List<TopicPartition> assignments) {
    }

    /** A group's description. */
    public record GroupResponse(String group, String state, int generation, List<MemberDescription> members,
                                List<GroupDescription.PartitionLag> partitions) {
    }

    private static final int MAX_COMMIT_ENTRIES = 10_000;

    private final GroupService groups;
    private final GroupFetchService fetchService;
    private final HttpLimits limits;
    private final Scheduler blockingScheduler;
    private final Visibility visibility;

    public GroupsController(GroupService groups, GroupFetchService fetchService, HttpLimits limits,
                            BlockingScheduler blockingScheduler, Visibility visibility) {
        this.visibility = visibility;
        this.groups = groups;
        this.fetchService = fetchService;
        this.limits = limits;
        this.blockingScheduler = blockingScheduler.scheduler();
    }

    @PostMapping(path = "/{group}/members", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Join a group", description = "Adds a member with a session lease and starts a new"
            + " generation; answers 201 with the member id, the generation and the member's partitions.")
    @ProblemResponses({ProblemType.INVALID_PARAMETER, ProblemType.MALFORMED_JSON, ProblemType.GROUP_FULL})
    public ResponseEntity<MemberResponse> join(@PathVariable("group") String group,
                                               @RequestBody JoinRequest request) {
        Duration timeout = request.sessionTimeoutMs() == null ? null : Duration.ofMillis(request.sessionTimeoutMs());
        MemberState state = groups.join(group, request.topics(), timeout);
        return ResponseEntity.created(URI.create("/v1/groups/" + group + "/members/" + state.assignment().memberId()))
                .body(member(state));
    }

    @PostMapping("/{group}/members/{memberId}/heartbeat")
    @Operation(summary = "Heartbeat", description = "Renews the member's lease and answers the current"
            + " generation and assignment. 404 when the lease already ended: join again.")
    @ProblemResponses(ProblemType.UNKNOWN_MEMBER)
    public MemberResponse heartbeat(@PathVariable("group") String group, @PathVariable("memberId") String memberId) {
        return member(groups.heartbeat(group, memberId));
    }

    @DeleteMapping("/{group}/members/{memberId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Leave a group", description = "Removes the member; the others get its partitions in a"
            + " new generation.")
    @ProblemResponses(ProblemType.UNKNOWN_MEMBER)
    public void leave(@PathVariable("group") String group, @PathVariable("memberId") String memberId) {
        groups.leave(group, memberId);
    }

    @PostMapping(path = "/{group}/offsets", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Commit offsets", description = "Stores the offsets atomically in the offsets topic."
            + " 409 when the generation is not current or the member does not own a partition.")
    @ProblemResponses({ProblemType.UNKNOWN_MEMBER, ProblemType.GENERATION_FENCED, ProblemType.PARTITION_NOT_OWNED,
            ProblemType.INVALID_PARAMETER, ProblemType.MALFORMED_JSON, ProblemType.INSUFFICIENT_STORAGE,
            ProblemType.DURABILITY_UNKNOWN})
    public Mono<Void> commit(@PathVariable("group") String group, @RequestBody CommitRequest request) {
        OffsetCommit commit = toCommit(group, request);
        return Mono.<Void>fromRunnable(() -> {
            try {
                groups.commit(commit);
            } catch (FsyncFailedException e) {
                throw new BackboneException(ProblemType.DURABILITY_UNKNOWN, "the commit was written to the offsets"
                        + " log but its fsync failed: " + e.getMessage() + "; it may or may not be there after a"
                        + " restart", Map.of("group", group), e);
            } catch (java.io.IOException e) {
                throw new BackboneException(ProblemType.INSUFFICIENT_STORAGE, "the offsets log refused the commit: "
                        + e.getMessage(), Map.of("group", group), e);
            }
        }).subscribeOn(blockingScheduler);
    }

    @GetMapping
    @Operation(summary = "List groups", description = "Groups with members or committed offsets; with security"
            + " enforced, only those the principal may describe.")
    public Mono<GroupList> list(ServerWebExchange exchange) {
        return visibility.describable(exchange).map(visible -> new GroupList(groups.list().stream()
                .filter(d -> visible.test(Resource.group(d.group())))
                .map(d -> new GroupSummary(d.group(), d.state(), d.generation(), d.members().size()))
                .toList()));
    }

    @GetMapping("/{group}")
    @Operation(summary = "Describe a group", description = "Members, generation, and per partition the committed"
            + " offset, start and end offset, lag and owner.")
    @ProblemResponses(ProblemType.UNKNOWN_GROUP)
    public GroupResponse describe(@PathVariable("group") String group) {
        GroupDescription d = groups.describe(group);
        List<MemberDescription> members = new ArrayList<>();
        for (GroupView.Member m : d.members()) {
            members.add(new MemberDescription(m.memberId(), m.topics().stream().sorted().toList(),
                    m.sessionTimeoutMs(), m.expiresAtMs(), m.partitions()));
        }
        return new GroupResponse(d.group(), d.state(), d.generation(), members, d.partitions());
    }

    @GetMapping("/{group}/members/{memberId}/records")
    @Operation(summary = "Fetch the member's partitions", description = "Long-polls all of the member's"
            + " partitions at once. Each starts at its 'from' offset if given, else at the committed offset, else"
            + " at the log start. Records carry topic and partition; nextOffsets is what to commit afterwards.")
    @ProblemResponses({ProblemType.UNKNOWN_MEMBER, ProblemType.PARTITION_NOT_OWNED,
            ProblemType.OFFSET_OUT_OF_RANGE, ProblemType.INVALID_PARAMETER})
    public Mono<ResponseEntity<byte[]>> fetch(
            @PathVariable("group") String group, @PathVariable("memberId") String memberId,
            @Parameter(description = "longest wait in ms when no partition has data; capped by config")
            @RequestParam(name = "maxWaitMs", required = false) String maxWaitMs,
            @Parameter(description = "byte budget shared by the partitions (each returns at least one batch)")
            @RequestParam(name = "maxBytes", required = false) String maxBytes,
            @Parameter(description = "an explicit start 'topic:partition:offset'; repeat for several partitions")
            @RequestParam(name = "from", required = false) List<String> from) {
        long waitMs = RequestParams.longValue("maxWaitMs", maxWaitMs, 0, 0, Long.MAX_VALUE);
        Duration wait = Duration.ofMillis(Math.min(waitMs, limits.maxWait().toMillis()));
        int bytes = (int) RequestParams.longValue("maxBytes", maxBytes, limits.defaultFetchBytes(), 1,
                Integer.MAX_VALUE);
        Map<TopicPartition, Long> starts = GroupParams.from(from);
        return fetchService.fetch(group, memberId, starts, Math.min(bytes, limits.maxFetchBytes()), wait)
                .map(result -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                        .body(GroupFetchJson.toJson(result)));
    }

    private static MemberResponse member(MemberState state) {
        List<Assignment> assignments = state.assignments().stream()
                .map(a -> new Assignment(a.topic(), a.partition(), a.committedOffset()))
                .toList();
        return new MemberResponse(state.assignment().memberId(), state.assignment().generation(),
                state.assignment().sessionTimeoutMs(), assignments);
    }

    private static OffsetCommit toCommit(String group, CommitRequest request) {
        if (request.memberId() == null || request.memberId().isEmpty()) {
            throw new InvalidGroupRequestException(group, "memberId", "the body needs a \"memberId\"");
        }
        if (request.generation() == null) {
            throw new InvalidGroupRequestException(group, "generation", "the body needs a \"generation\"");
        }
        if (request.offsets() == null) {
            throw new InvalidGroupRequestException(group, "offsets", "the body needs an \"offsets\" array");
        }
        if (request.offsets().size() > MAX_COMMIT_ENTRIES) {
            throw new InvalidGroupRequestException(group, "offsets", "at most " + MAX_COMMIT_ENTRIES
                    + " offsets per commit, got " + request.offsets().size());
        }
        List<OffsetCommit.PartitionOffset> offsets = new ArrayList<>();
        for (CommitEntry entry : request.offsets()) {
            if (entry == null || entry.topic() == null || entry.partition() == null || entry.offset() == null) {
                throw new InvalidGroupRequestException(group, "offsets",
                        "every offset needs \"topic\", \"partition\" and \"offset\"");
            }
            if (entry.partition() < 0 || entry.offset() < 0) {
                throw new InvalidGroupRequestException(group, "offsets", "partition and offset must be >= 0, got "
                        + entry.partition() + " and " + entry.offset());
            }
            offsets.add(new OffsetCommit.PartitionOffset(new TopicPartition(entry.topic(), entry.partition()),
                    entry.offset(), entry.metadata()));
        }
        return new OffsetCommit(group, request.memberId(), request.generation(), offsets);
    }
}
