package dev.backbone.server.security;

import dev.backbone.server.group.GroupCoordinator;
import dev.backbone.server.group.GroupView;
import dev.backbone.server.topic.TopicRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The one table that says what every route of the broker needs, checked by {@link RouteAuthorizationFilter} after
 * authentication. A route missing here is refused in {@code enforce} mode (fail closed), and a test compares this
 * table with the live route list, so a new endpoint without a rule fails the build. {@code docs/SECURITY.md} shows
 * the table in prose.
 *
 * <p>Thread safety: immutable.
 */
public final class RouteTable {

    /** A matched rule with its path variables. */
    public record Match(RouteRule rule, Map<String, String> variables) {
    }

    private record Compiled(RouteRule rule, PathPattern pattern) {
    }

    private final List<Compiled> rules;

    public RouteTable(List<RouteRule> rules) {
        this.rules = rules.stream().map(r -> new Compiled(r, r.pathPattern())).toList();
    }

    /** The broker's table. */
    public static RouteTable broker(TopicRegistry registry, GroupCoordinator groups, boolean autoCreateTopics) {
        RouteRule.Requirements write = autoCreateTopics
                ? request -> Mono.fromSupplier(() -> produce(registry, request.variable("topic")))
                : request -> Mono.just(List.of(Requirement.of(Operation.WRITE, topicOf(request))));
        List<RouteRule> rules = new ArrayList<>();
        rules.add(rule(HttpMethod.POST, "/v1/topics", "topic.created", request -> request.jsonBody()
                .map(body -> List.of(createTopic(body.path("name"))))));
        rules.add(rule(HttpMethod.GET, "/v1/topics", null, request -> Mono.just(List.of())));
        rules.add(topicRule(HttpMethod.GET, "/v1/topics/{topic}", Operation.DESCRIBE, null));
        rules.add(topicRule(HttpMethod.PATCH, "/v1/topics/{topic}", Operation.ALTER, "topic.altered"));
        rules.add(topicRule(HttpMethod.DELETE, "/v1/topics/{topic}", Operation.DELETE, "topic.deleted"));
        rules.add(rule(HttpMethod.POST, "/v1/topics/{topic}/records", null, write));
        rules.add(rule(HttpMethod.POST, "/v1/topics/{topic}/partitions/{partition}/records", null, write));
        rules.add(topicRule(HttpMethod.GET, "/v1/topics/{topic}/partitions/{partition}/records", Operation.READ, null));
        rules.add(topicRule(HttpMethod.GET, "/v1/topics/{topic}/partitions/{partition}/offsets", Operation.DESCRIBE,
                null));
        rules.add(topicRule(HttpMethod.GET, "/v1/topics/{topic}/partitions/{partition}/chain", Operation.DESCRIBE,
                null));
        rules.add(topicRule(HttpMethod.POST, "/v1/topics/{topic}/partitions/{partition}/chain/verify", Operation.READ,
                null));
        rules.add(rule(HttpMethod.POST, "/v1/topics/{topic}/keys/{key}/records", null, write));
        rules.add(topicRule(HttpMethod.GET, "/v1/topics/{topic}/keys/{key}/records", Operation.READ, null));
        addGroupRules(rules, groups);
        rules.add(rule(HttpMethod.GET, "/v1/cluster", null,
                request -> Mono.just(List.of(Requirement.of(Operation.DESCRIBE, Resource.CLUSTER)))));
        for (String admin : List.of("/v1/admin/api-keys", "/v1/admin/acls")) {
            rules.add(clusterRule(HttpMethod.GET, admin));
            rules.add(clusterRule(HttpMethod.POST, admin));
            rules.add(clusterRule(HttpMethod.DELETE, admin + "/{id}"));
        }
        return new RouteTable(rules);
    }

    private static void addGroupRules(List<RouteRule> rules, GroupCoordinator groups) {
        rules.add(rule(HttpMethod.GET, "/v1/groups", null, request -> Mono.just(List.of())));
        rules.add(rule(HttpMethod.GET, "/v1/groups/{group}", null,
                request -> Mono.just(List.of(Requirement.of(Operation.DESCRIBE, groupOf(request))))));
        rules.add(rule(HttpMethod.POST, "/v1/groups/{group}/members", null, request -> request.jsonBody()
                .map(body -> readGroupAndTopics(request, textValues(body.path("topics"))))));
        rules.add(groupReadRule(HttpMethod.POST, "/v1/groups/{group}/members/{memberId}/heartbeat"));
        rules.add(groupReadRule(HttpMethod.DELETE, "/v1/groups/{group}/members/{memberId}"));
        rules.add(rule(HttpMethod.POST, "/v1/groups/{group}/offsets", null, request -> request.jsonBody()
                .map(body -> readGroupAndTopics(request, committedTopics(body)))));
        rules.add(rule(HttpMethod.GET, "/v1/groups/{group}/members/{memberId}/records", null,
                request -> Mono.fromSupplier(() -> readGroupAndTopics(request,
                        memberTopics(groups, request.variable("group"), request.variable("memberId"))))));
    }

    /** The rule for {@code method} and {@code path}, with the path's variables. */
    public Optional<Match> match(HttpMethod method, PathContainer path) {
        for (Compiled compiled : rules) {
            if (compiled.rule().method().equals(method)) {
                PathPattern.PathMatchInfo info = compiled.pattern().matchAndExtract(path);
                if (info != null) {
                    return Optional.of(new Match(compiled.rule(), info.getUriVariables()));
                }
            }
        }
        return Optional.empty();
    }

    /** Every rule, in table order. */
    public List<RouteRule> rules() {
        return rules.stream().map(Compiled::rule).toList();
    }

    private static RouteRule rule(HttpMethod method, String pattern, String auditEvent,
                                  RouteRule.Requirements requirements) {
        return new RouteRule(method, pattern, requirements, auditEvent);
    }

    private static RouteRule topicRule(HttpMethod method, String pattern, Operation operation, String auditEvent) {
        return rule(method, pattern, auditEvent,
                request -> Mono.just(List.of(Requirement.of(operation, topicOf(request)))));
    }

    private static RouteRule groupReadRule(HttpMethod method, String pattern) {
        return rule(method, pattern, null,
                request -> Mono.just(List.of(Requirement.of(Operation.READ, groupOf(request)))));
    }

    private static RouteRule clusterRule(HttpMethod method, String pattern) {
        return rule(method, pattern, null,
                request -> Mono.just(List.of(Requirement.of(Operation.ALTER, Resource.CLUSTER))));
    }

    private static Resource topicOf(RouteRequest request) {
        return Resource.topic(request.variable("topic"));
    }

    private static Resource groupOf(RouteRequest request) {
        return Resource.group(request.variable("group"));
    }

    /** Producing needs {@code write}; producing to a missing topic creates it, which needs {@code create} too. */
    private static List<Requirement> produce(TopicRegistry registry, String topic) {
        Requirement write = Requirement.of(Operation.WRITE, Resource.topic(topic));
        if (registry.find(topic).isPresent()) {
            return List.of(write);
        }
        return List.of(write, createTopic(topic));
    }

    private static Requirement createTopic(JsonNode name) {
        return name.isString() ? createTopic(name.asString()) : Requirement.of(Operation.CREATE, Resource.CLUSTER);
    }

    private static Requirement createTopic(String name) {
        return new Requirement(List.of(new Action(Operation.CREATE, Resource.CLUSTER),
                new Action(Operation.CREATE, Resource.topic(name))));
    }

    private static List<Requirement> readGroupAndTopics(RouteRequest request, Set<String> topics) {
        List<Requirement> needed = new ArrayList<>();
        needed.add(Requirement.of(Operation.READ, groupOf(request)));
        topics.forEach(topic -> needed.add(Requirement.of(Operation.READ, Resource.topic(topic))));
        return needed;
    }

    /**
     * The names in a JSON array (or a single value), scalars as text: Jackson binds a number where a string is
     * expected, so a rule must see {@code [123]} as the topic "123", as the handler will.
     */
    private static Set<String> textValues(JsonNode node) {
        Set<String> values = new LinkedHashSet<>();
        if (node.isValueNode() && !node.isNull()) {
            values.add(node.asString());
        }
        node.forEach(value -> {
            if (value.isValueNode() && !value.isNull()) {
                values.add(value.asString());
            }
        });
        return values;
    }

    private static Set<String> committedTopics(JsonNode body) {
        Set<String> topics = new LinkedHashSet<>();
        body.path("offsets").forEach(entry -> topics.addAll(textValues(entry.path("topic"))));
        return topics;
    }

    private static Set<String> memberTopics(GroupCoordinator groups, String group, String memberId) {
        return groups.describe(group).stream()
                .flatMap(view -> view.members().stream())
                .filter(member -> member.memberId().equals(memberId))
                .map(GroupView.Member::topics)
                .findFirst()
                .orElse(Set.of());
    }
}
