package dev.backbone.deploy.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The project's monitoring configuration: Prometheus's config and alert rules under {@code deploy/prometheus/}, and
 * the Grafana dashboards under {@code deploy/grafana/dashboards/}.
 *
 * <p>Thread safety: stateless.
 */
public final class MonitoringFiles {

    /** A PromQL expression and where it comes from, for assertion messages. */
    public record Query(String where, String expression) {
    }

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonMapper JSON = new JsonMapper();

    private MonitoringFiles() {
    }

    public static Path prometheusConfig() {
        return Project.resolve("deploy/prometheus/prometheus.yml");
    }

    public static List<Path> ruleFiles() {
        return list(Project.resolve("deploy/prometheus/rules"), ".rules.yml");
    }

    public static List<Path> dashboards() {
        return list(Project.resolve("deploy/grafana/dashboards"), ".json");
    }

    /** Every alert and recording rule expression. */
    public static List<Query> ruleQueries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : YAML.readTree(file.toFile()).get("groups")) {
                for (JsonNode rule : group.get("rules")) {
                    String name = rule.has("alert") ? rule.get("alert").asString() : rule.get("record").asString();
                    queries.add(new Query(file.getFileName() + " " + name, rule.get("expr").asString()));
                }
            }
        }
        return queries;
    }

    /** Every panel target's expression, nested rows included, and every variable's query. */
    public static List<Query> dashboardQueries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : dashboards()) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            collectPanels(file.getFileName().toString(), dashboard.get("panels"), queries);
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                JsonNode query = variable.path("query");
                String text = query.isObject() ? query.path("query").asString() : query.asString();
                queries.add(new Query(file.getFileName() + " variable " + variable.get("name").asString(), text));
            }
        }
        return queries;
    }

    private static void collectPanels(String file, JsonNode panels, List<Query> queries) {
        if (panels == null) {
            return;
        }
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(file + " panel '" + panel.get("title").asString() + "'",
                        target.get("expr").asString()));
            }
            collectPanels(file, panel.get("panels"), queries);
        }
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
