package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.deploy.support.ComposeFile;
import dev.backbone.deploy.support.Dockerfile;
import dev.backbone.deploy.support.MonitoringFiles;
import dev.backbone.deploy.support.Project;
import dev.backbone.deploy.support.ShellWords;
import dev.backbone.deploy.support.SpringProperties;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code docker-compose.yml} holds together without Docker: every build has its context and Dockerfile, every
 * Prometheus target is a compose service listening on that port, every environment variable of a service built
 * here binds to a real property of its jar, every bind mount exists, and Grafana's data source and dashboard
 * paths meet the compose services and mounts.
 */
class ComposeFileTest {

    /** Variables the JVM reads itself; they are not Spring properties. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final ComposeFile compose = ComposeFile.read(Project.resolve("docker-compose.yml"));

    @Test
    void everyBuildHasItsContextAndDockerfileAndEveryImageAPinnedTag() {
        assertThat(compose.serviceNames()).contains("backbone", "order-service", "audit-service", "prometheus",
                "grafana");
        for (String name : compose.serviceNames()) {
            JsonNode service = compose.service(name);
            if (service.has("build")) {
                Path context = compose.directory().resolve(service.path("build").path("context").asString());
                assertThat(context).as("build context of %s", name).isDirectory();
                assertThat(dockerfile(name)).as("Dockerfile of %s", name).isRegularFile();
            } else {
                assertThat(service.path("image").asString()).as("image of %s", name)
                        .matches("[^:]+:[^:]+").doesNotEndWith(":latest");
            }
        }
    }

    @Test
    void everyPrometheusTargetIsAComposeServiceOnThatPortAndTheActuatorPath() {
        JsonNode config = YAML.readTree(MonitoringFiles.prometheusConfig().toFile());
        List<String> checked = new ArrayList<>();
        for (JsonNode job : config.path("scrape_configs")) {
            assertThat(job.path("metrics_path").asString()).as("metrics_path of %s", job.path("job_name"))
                    .isEqualTo("/actuator/prometheus");
            for (JsonNode statics : job.path("static_configs")) {
                for (JsonNode target : statics.path("targets")) {
                    String[] hostPort = target.asString().split(":");
                    String service = hostPort[0];
                    assertThat(compose.serviceNames()).as("service of target %s", target).contains(service);
                    assertThat(effectiveEnvironment(service).get("SERVER_PORT"))
                            .as("the port %s listens on", service).isEqualTo(hostPort[1]);
                    checked.add(service);
                }
            }
        }
        // The brokers of the "cluster" profile are not scraped: they run only when asked for, to try replication.
        List<String> built = compose.serviceNames().stream()
                .filter(s -> compose.service(s).has("build") && !compose.service(s).has("profiles")).toList();
        assertThat(checked).as("every service built here is scraped").containsAll(built);
    }

    @Test
    void everyEnvironmentVariableOfAServiceBuiltHereBindsToARealProperty() {
        for (String name : compose.serviceNames()) {
            if (!compose.service(name).has("build")) {
                continue;
            }
            SpringProperties properties = SpringProperties.ofBootJar(packagedJar(name));
            List<String> unknown = effectiveEnvironment(name).keySet().stream()
                    .filter(v -> !JVM_VARIABLES.contains(v) && !properties.bindsEnvironmentVariable(v)).toList();
            assertThat(unknown).as("variables of %s that bind to no property of its jar", name).isEmpty();
        }
        SpringProperties broker = SpringProperties.ofBootJar(Project.brokerJar());
        assertThat(broker.bindsEnvironmentVariable("BACKBONE_TOPICS_NO_SUCH_SETTING"))
                .as("the check can fail").isFalse();
    }

    /**
     * The "cluster" profile: three brokers of the broker's image, each its own node id and volume, all with the same
     * peer list naming each of them by its service name (Compose's DNS) on the Raft port and its HTTP port.
     */
    @Test
    void theClusterProfileRunsThreeBrokersThatListEachOtherAsPeers() {
        List<String> brokers = compose.serviceNames().stream()
                .filter(s -> compose.service(s).path("profiles").toString().contains("\"cluster\"")).toList();
        assertThat(brokers).containsExactly("broker-0", "broker-1", "broker-2");
        String peers = compose.environment("broker-0").get("BACKBONE_CLUSTER_PEERS");
        Set<String> volumes = new HashSet<>();
        Set<String> hostPorts = new HashSet<>();
        for (String broker : brokers) {
            Map<String, String> env = effectiveEnvironment(broker);
            assertThat(env).containsEntry("BACKBONE_CLUSTER_NODE_ID", broker)
                    .containsEntry("BACKBONE_CLUSTER_PEERS", peers);
            assertThat(peers.split(",")).contains(broker + "=" + broker + ":9870:" + env.get("SERVER_PORT"));
            assertThat(compose.service(broker).path("image").asString())
                    .isEqualTo(compose.service("backbone").path("image").asString());
            volumes.add(compose.service(broker).path("volumes").get(0).asString().split(":")[0]);
            hostPorts.add(compose.service(broker).path("ports").get(0).asString().split(":")[0]);
        }
        assertThat(peers.split(",")).hasSize(3);
        assertThat(volumes).as("a volume per broker").hasSize(3).doesNotContain("backbone-data");
        assertThat(hostPorts).as("a host port per broker").hasSize(3).doesNotContain("8080");
        assertThat(compose.service("backbone").has("profiles")).as("the single broker runs by default").isFalse();
    }

    @Test
    void everyBindMountExistsAndEveryNamedVolumeIsDeclared() {
        Set<String> declared = Set.copyOf(compose.tree().path("volumes").propertyNames());
        for (String name : compose.serviceNames()) {
            for (JsonNode volume : compose.service(name).path("volumes")) {
                String source = volume.asString().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    assertThat(compose.directory().resolve(source)).as("bind mount of %s", name).exists();
                } else {
                    assertThat(declared).as("named volume of %s", name).contains(source);
                }
            }
            for (JsonNode envFile : compose.service(name).path("env_file")) {
                String text = readString(compose.directory().resolve(envFile.asString()));
                assertThat(text).as("env file %s says it is for local use", envFile).contains("LOCAL USE ONLY");
            }
        }
    }

    @Test
    void grafanaReachesTheComposePrometheusAndLoadsTheMountedDashboards() {
        JsonNode datasources = YAML.readTree(
                Project.resolve("deploy/grafana/provisioning/datasources/prometheus.yml").toFile());
        URI url = URI.create(datasources.path("datasources").get(0).path("url").asString());
        assertThat(compose.serviceNames()).contains(url.getHost());
        assertThat(url.getPort()).as("Prometheus listens on 9090 unless told otherwise").isEqualTo(9090);
        assertThat(compose.service(url.getHost()).path("command").toString()).doesNotContain("web.listen-address");

        JsonNode providers = YAML.readTree(
                Project.resolve("deploy/grafana/provisioning/dashboards/backbone.yml").toFile());
        String dashboardsPath = providers.path("providers").get(0).path("options").path("path").asString();
        Map<String, Path> mounts = bindMounts("grafana");
        assertThat(mounts).containsKey(dashboardsPath);
        assertThat(mounts.get(dashboardsPath)).isEqualTo(Project.resolve("deploy/grafana/dashboards"));
        assertThat(mounts.get("/etc/grafana/provisioning")).isEqualTo(Project.resolve("deploy/grafana/provisioning"));
        String home = compose.environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(mounts.get(dashboardsPath).resolve(home.substring(dashboardsPath.length() + 1))).isRegularFile();
    }

    /** The image's ENV overridden by the compose environment, as the container sees it. */
    private Map<String, String> effectiveEnvironment(String service) {
        Map<String, String> env = new HashMap<>();
        if (compose.service(service).has("build")) {
            env.putAll(Dockerfile.read(dockerfile(service)).finalStage().env());
        }
        env.putAll(compose.environment(service));
        return env;
    }

    private Path dockerfile(String service) {
        JsonNode build = compose.service(service).path("build");
        return compose.directory().resolve(build.path("context").asString())
                .resolve(build.path("dockerfile").asString("Dockerfile")).normalize();
    }

    /** The jar the Dockerfile's build stage extracts ({@code java -Djarmode=tools -jar <jar> extract ...}). */
    private Path packagedJar(String service) {
        Dockerfile file = Dockerfile.read(dockerfile(service));
        for (Dockerfile.Stage stage : file.stages()) {
            for (Dockerfile.Instruction run : stage.all("RUN")) {
                List<String> words = ShellWords.split(run.arguments());
                int jar = words.indexOf("-jar");
                if (words.contains("-Djarmode=tools") && jar >= 0) {
                    return Project.resolve(words.get(jar + 1));
                }
            }
        }
        throw new AssertionError(file.file() + " extracts no Boot jar");
    }

    private Map<String, Path> bindMounts(String service) {
        Map<String, Path> mounts = new HashMap<>();
        for (JsonNode volume : compose.service(service).path("volumes")) {
            String[] parts = volume.asString().split(":");
            if (parts[0].startsWith(".")) {
                mounts.put(parts[1], compose.directory().resolve(parts[0]).normalize());
            }
        }
        return mounts;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
