package dev.backbone.deploy.support;

import dev.backbone.checks.support.ChildProcess;
import dev.backbone.checks.support.Deadline;
import dev.backbone.checks.support.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A real Prometheus server on 127.0.0.1, configured from the project's {@code deploy/prometheus/prometheus.yml}
 * with only what a test must change: every job's targets pointed at the local process standing for it, a 1 s
 * scrape and evaluation interval, the rule files by absolute path, and a temporary storage directory.
 *
 * <p>Thread safety: not thread-safe.
 */
public final class LocalPrometheus implements AutoCloseable {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonMapper JSON = new JsonMapper();

    private final ChildProcess process;
    private final String baseUrl;

    private LocalPrometheus(ChildProcess process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    /** Starts Prometheus scraping, for each job name of the project's config, the local address given here. */
    public static LocalPrometheus start(Path dir, Map<String, String> targetsByJob) {
        Path config = dir.resolve("prometheus.yml");
        writeConfig(config, targetsByJob);
        int port = FreePorts.next();
        ProcessBuilder builder = new ProcessBuilder(PrometheusBinaries.prometheus().toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port).directory(dir.toFile());
        LocalPrometheus prometheus = new LocalPrometheus(
                ChildProcess.start("prometheus", builder, dir.resolve("prometheus.log")),
                "http://127.0.0.1:" + port);
        prometheus.awaitReady();
        return prometheus;
    }

    @SuppressWarnings("unchecked")
    private static void writeConfig(Path config, Map<String, String> targetsByJob) {
        Map<String, Object> tree = YAML.readValue(MonitoringFiles.prometheusConfig().toFile(), LinkedHashMap.class);
        Map<String, Object> global = (Map<String, Object>) tree.computeIfAbsent("global", k -> new LinkedHashMap<>());
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        List<String> rules = new ArrayList<>();
        for (Object pattern : (List<Object>) tree.getOrDefault("rule_files", List.of())) {
            rules.add(MonitoringFiles.prometheusConfig().getParent().resolve(pattern.toString()).toString());
        }
        tree.put("rule_files", rules);
        for (Map<String, Object> job : (List<Map<String, Object>>) tree.get("scrape_configs")) {
            String name = job.get("job_name").toString();
            String target = targetsByJob.get(name);
            if (target == null) {
                throw new AssertionError("The config scrapes job " + name + " but the test runs no process for it");
            }
            List<Map<String, Object>> statics = (List<Map<String, Object>>) job.get("static_configs");
            statics.forEach(s -> s.put("targets", List.of(target)));
        }
        try {
            YAML.writeValue(config.toFile(), tree);
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("Cannot write " + config, e));
        }
    }

    /** Every active target, as {@code /api/v1/targets} lists them. */
    public JsonNode targets() {
        return api("/api/v1/targets").path("data").path("activeTargets");
    }

    /** Runs an instant query; fails unless Prometheus answers status success. */
    public JsonNode query(String promql) {
        JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asString())) {
            throw new AssertionError("Query refused: " + promql + " -> " + answer);
        }
        return answer.path("data").path("result");
    }

    /** The loaded rule groups, as {@code /api/v1/rules} lists them. */
    public JsonNode ruleGroups() {
        return api("/api/v1/rules").path("data").path("groups");
    }

    public ChildProcess process() {
        return process;
    }

    private JsonNode api(String path) {
        var answer = Http.get(baseUrl + path);
        return JSON.readTree(answer.body());
    }

    private void awaitReady() {
        Deadline.await("Prometheus ready at " + baseUrl, Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("Prometheus exited: " + process.tail());
            }
            try {
                return Http.get(baseUrl + "/-/ready").statusCode() == 200 ? Optional.of(true) : Optional.empty();
            } catch (RuntimeException notYetListening) {
                return Optional.empty();
            }
        });
    }

    @Override
    public void close() {
        process.close();
    }
}
