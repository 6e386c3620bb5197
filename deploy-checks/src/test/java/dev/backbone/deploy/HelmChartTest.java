package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.backbone.deploy.support.Project;
import dev.backbone.deploy.support.RenderedChart;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Helm chart, through Helm itself (helm-java runs Helm's Go code in this JVM): {@code lint --strict} with the
 * default values and with every {@code ci/*.yaml} variant, and the rendered manifests, parsed into fabric8's
 * Kubernetes model, asserted object by object.
 */
class HelmChartTest {

    static Stream<String> valueVariants() throws IOException {
        try (Stream<Path> files = Files.list(Project.chart().resolve("ci"))) {
            return files.map(p -> "ci/" + p.getFileName()).sorted().toList().stream();
        }
    }

    @Test
    void lintsStrictWithTheDefaultValues() {
        LintResult result = new Helm(Project.chart()).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    /**
     * helm-java's lint takes no values file, so each variant is linted as Helm lints a chart whose values.yaml is
     * the default values merged with the variant's: a copy of the chart with that file.
     */
    @ParameterizedTest
    @MethodSource("valueVariants")
    void lintsStrictWithEveryCiVariant(String variant, @TempDir Path dir) throws IOException {
        Path copy = ChartCopies.withMergedValues(dir, variant);
        LintResult result = new Helm(copy).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict with %s: %s", variant, result.getMessages()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("valueVariants")
    void rendersEveryCiVariantIntoValidObjects(String variant) {
        RenderedChart chart = RenderedChart.render(variant);
        assertThat(chart.all(StatefulSet.class)).hasSize(1);
        assertThat(chart.objects()).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/part-of", "backbone"));
    }

    @Test
    void defaultsGiveOneBrokerWithAVolumeProbesAndAHardenedContainer() {
        RenderedChart chart = RenderedChart.render();
        StatefulSet set = chart.one(StatefulSet.class);
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Container broker = pod.getContainers().get(0);

        assertThat(set.getMetadata().getName()).isEqualTo("bb-backbone");
        assertThat(set.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        assertThat(set.getSpec().getReplicas()).isEqualTo(1);
        assertThat(set.getSpec().getServiceName()).isEqualTo("bb-backbone-headless");
        assertThat(set.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("8Gi");
        });
        assertThat(broker.getImage()).isEqualTo("backbone/backbone-server:0.1.0-SNAPSHOT");
        assertThat(env(broker)).containsEntry("SERVER_PORT", "8080")
                .containsEntry("BACKBONE_DATA_DIR", "/var/lib/backbone/data")
                .doesNotContainKey("MANAGEMENT_SERVER_PORT");
        assertThat(broker.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(broker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(broker.getStartupProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(broker.getResources().getLimits()).containsKey("memory").doesNotContainKey("cpu");

        assertThat(broker.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(broker.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(broker.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(broker.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(10001L);
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(mounts(broker)).containsEntry("data", "/var/lib/backbone").containsEntry("tmp", "/tmp")
                .containsEntry("config", "/etc/backbone/config");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("tmp"))
                .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

        assertThat(set.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/actuator/prometheus")
                .containsEntry("prometheus.io/port", "8080")
                .containsKey("checksum/config");
        assertThat(chart.applicationConfig("bb-backbone")).isEqualTo(Map.of("backbone",
                Map.of("security", Map.of("mode", "none"), "topics", Map.of("auto-create", true))));
        assertThat(chart.all(Secret.class)).isEmpty();
        assertThat(chart.all(GenericKubernetesResource.class)).isEmpty();
        assertThat(chart.one(ServiceAccount.class).getMetadata().getName()).isEqualTo("bb-backbone");
    }

    @Test
    void defaultsGiveAClientAndAHeadlessServiceAndADisruptionBudgetOverTheSamePods() {
        RenderedChart chart = RenderedChart.render();
        Map<String, String> podLabels = chart.one(StatefulSet.class).getSpec().getTemplate().getMetadata()
                .getLabels();
        List<Service> services = chart.all(Service.class);

        assertThat(services).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("bb-backbone", "bb-backbone-headless");
        assertThat(services).allSatisfy(s -> assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector()));
        Service headless = services.stream().filter(s -> s.getMetadata().getName().endsWith("-headless"))
                .findFirst().orElseThrow();
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();

        PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void productionVariantEnforcesSecurityWithTlsAManagementPortAndAServiceMonitor() {
        RenderedChart chart = RenderedChart.render("ci/production-values.yaml");
        StatefulSet set = chart.one(StatefulSet.class);
        Container broker = set.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(set.getMetadata().getName()).isEqualTo("events");
        assertThat(set.getMetadata().getLabels()).containsEntry("team", "platform");
        assertThat(env(broker)).containsEntry("MANAGEMENT_SERVER_PORT", "9090")
                .containsEntry("SPRING_CONFIG_ADDITIONAL_LOCATION",
                        "optional:file:/etc/backbone/config/application.yaml,"
                                + "optional:file:/etc/backbone/secrets/api-keys.yaml");
        assertThat(broker.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
        assertThat(broker.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(mounts(broker)).containsEntry("tls", "/etc/backbone/tls")
                .containsEntry("api-keys", "/etc/backbone/secrets");

        Map<String, Object> config = chart.applicationConfig("events");
        assertThat(config).extractingByKey("server").isEqualTo(Map.of("ssl", Map.of("bundle", "backbone-server")));
        assertThat(config.get("spring").toString()).contains("certificate=/etc/backbone/tls/tls.crt",
                "private-key=/etc/backbone/tls/tls.key");
        assertThat(config.get("backbone").toString()).contains("mode=enforce", "default-partitions=3",
                "auto-create=false");

        Secret keys = chart.secret("events-api-keys").orElseThrow();
        String keysYaml = new String(Base64.getDecoder().decode(keys.getData().get("api-keys.yaml")),
                StandardCharsets.UTF_8);
        assertThat(keysYaml).contains("principal: admin", "hash: sha256:4d0b3a3e");
        assertThat(set.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/api-keys");

        GenericKubernetesResource monitor = chart.one(GenericKubernetesResource.class);
        assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.getAdditionalProperties().get("spec").toString())
                .contains("port=management", "path=/actuator/prometheus", "scheme=https", "interval=15s",
                        "backbone/service=client");
        Service client = chart.all(Service.class).stream().filter(s -> s.getMetadata().getName().equals("events"))
                .findFirst().orElseThrow();
        assertThat(client.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(client.getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("http", "management");
        assertThat(set.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
                .isEqualTo("fast-ssd");
    }

    @Test
    void existingSecretVariantMountsTheOperatorsSecretAndNoClaim() {
        RenderedChart chart = RenderedChart.render("ci/existing-secret-values.yaml");
        StatefulSet set = chart.one(StatefulSet.class);
        PodSpec pod = set.getSpec().getTemplate().getSpec();

        assertThat(chart.all(Secret.class)).isEmpty();
        assertThat(chart.all(PodDisruptionBudget.class)).isEmpty();
        assertThat(set.getSpec().getVolumeClaimTemplates()).isEmpty();
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("api-keys")).singleElement()
                .satisfies(v -> {
                    assertThat(v.getSecret().getSecretName()).isEqualTo("backbone-bootstrap-keys");
                    assertThat(v.getSecret().getItems()).singleElement()
                            .satisfies(i -> assertThat(i.getKey()).isEqualTo("keys.yaml"));
                });
        assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("data")).singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
        assertThat(set.getSpec().getTemplate().getMetadata().getAnnotations())
                .doesNotContainKey("prometheus.io/scrape");
    }

    @Test
    void threeReplicasFormOneClusterNamedAfterThePodsUnderTheHeadlessService() {
        RenderedChart chart = RenderedChart.render("ci/cluster-values.yaml");
        StatefulSet set = chart.one(StatefulSet.class);
        Container broker = set.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(set.getSpec().getReplicas()).isEqualTo(3);
        assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(env(broker)).containsEntry("BACKBONE_CLUSTER_NODE_ID", "fieldRef:metadata.name")
                .containsEntry("BACKBONE_CLUSTER_PEERS", String.join(",",
                        "bb-backbone-0=bb-backbone-0.bb-backbone-headless.events.svc.cluster.local:9870:8080",
                        "bb-backbone-1=bb-backbone-1.bb-backbone-headless.events.svc.cluster.local:9870:8080",
                        "bb-backbone-2=bb-backbone-2.bb-backbone-headless.events.svc.cluster.local:9870:8080"));
        assertThat(broker.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("raft");
            assertThat(port.getContainerPort()).isEqualTo(9870);
        });
        Service headless = chart.all(Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals("bb-backbone-headless")).findFirst().orElseThrow();
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("http", "raft");
        assertThat(chart.all(Service.class)).filteredOn(s -> s.getMetadata().getName().equals("bb-backbone"))
                .singleElement().satisfies(client -> assertThat(client.getSpec().getPorts())
                        .extracting(p -> p.getName()).doesNotContain("raft"));
        assertThat(chart.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void peersFollowTheReleaseNamespacePortsAndClusterDomain(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), String.join("\n", "replicaCount: 5",
                "fullnameOverride: events", "clusterDomain: corp.example", "containerPorts:", "  http: 18080",
                "  raft: 19870", ""));
        StatefulSet set = RenderedChart.renderWith(values).one(StatefulSet.class);

        String peers = env(set.getSpec().getTemplate().getSpec().getContainers().get(0)).get("BACKBONE_CLUSTER_PEERS");

        assertThat(peers.split(",")).hasSize(5).allSatisfy(peer -> assertThat(peer)
                .matches("events-[0-4]=events-[0-4]\\.events-headless\\.events\\.svc\\.corp\\.example:19870:18080"));
        assertThat(peers).startsWith("events-0=events-0.").endsWith(",events-4=events-4.events-headless.events.svc"
                + ".corp.example:19870:18080");
    }

    @Test
    void oneReplicaIsASingleBrokerWithoutClusterProperties() {
        StatefulSet set = RenderedChart.render().one(StatefulSet.class);
        Container broker = set.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
        assertThat(env(broker)).doesNotContainKeys("BACKBONE_CLUSTER_NODE_ID", "BACKBONE_CLUSTER_PEERS");
        assertThat(broker.getPorts()).extracting(p -> p.getName()).doesNotContain("raft");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void evenReplicaCountsAreRefusedSayingWhy(int replicas, @TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"),
                "replicaCount: " + replicas + "\n");
        assertThatThrownBy(() -> RenderedChart.renderWith(values))
                .hasMessageContaining("replicaCount: " + replicas + " is even")
                .hasMessageContaining("majority")
                .hasMessageContaining("Use 1 (no replication), 3, 5 or 7");
    }

    /**
     * Three replicas with nothing else set: a cluster whose pods start together, are ready once they have a metadata
     * leader and have caught up (the readiness group holds the cluster component), and are drained one at a time.
     */
    @Test
    void threeReplicasAloneRenderAClusterReadyWhenCaughtUpAndDrainedOneAtATime(@TempDir Path dir)
            throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), "replicaCount: 3\n");
        RenderedChart chart = RenderedChart.renderWith(values);
        StatefulSet set = chart.one(StatefulSet.class);
        Container broker = set.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(set.getSpec().getReplicas()).isEqualTo(3);
        assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(env(broker).get("BACKBONE_CLUSTER_PEERS").split(",")).hasSize(3);
        assertThat(broker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(chart.one(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void schemaRefusesNoReplicaAtAll(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), "replicaCount: 0\n");
        assertThatThrownBy(() -> RenderedChart.renderWith(values)).hasMessageContaining("replicaCount");
    }

    @Test
    void validateValuesNamesEveryBadValueInOneMessage(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), String.join("\n",
                "tls:", "  enabled: true",
                "containerPorts:", "  http: 8080", "  management: 8080", "  raft: 8080",
                "pdb:", "  minAvailable: 1", "  maxUnavailable: 1", ""));
        assertThatThrownBy(() -> RenderedChart.renderWith(values))
                .hasMessageContaining("tls.existingSecret")
                .hasMessageContaining("containerPorts.management")
                .hasMessageContaining("containerPorts.raft")
                .hasMessageContaining("pdb: set minAvailable or maxUnavailable, not both");
    }

    @Test
    void schemaRefusesAnUnknownSecurityMode(@TempDir Path dir) throws IOException {
        Path values = Files.writeString(dir.resolve("values.yaml"), "auth:\n  mode: open\n");
        assertThatThrownBy(() -> RenderedChart.renderWith(values)).hasMessageContaining("auth");
    }

    /**
     * Bitnami's rule, and the values table of docs/DEPLOY.md: every value has a {@code ## @param} line (a free-form
     * map such as {@code config} is one value), every {@code @param} names a value, and the table lists each.
     */
    @Test
    void everyValueIsDocumentedInValuesYamlAndDeployMd() throws IOException {
        String valuesText = Files.readString(Project.chart().resolve("values.yaml"));
        Set<String> params = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*## @param (\\S+) ").matcher(valuesText);
        while (m.find()) {
            params.add(m.group(1));
        }
        Set<String> leaves = new TreeSet<>();
        collectLeaves("", new YAMLMapper().readTree(valuesText), leaves);
        List<String> undocumented = leaves.stream()
                .filter(leaf -> params.stream().noneMatch(p -> leaf.equals(p) || leaf.startsWith(p + "."))).toList();
        assertThat(undocumented).as("values without ## @param").isEmpty();
        List<String> dangling = params.stream()
                .filter(p -> leaves.stream().noneMatch(l -> l.equals(p) || l.startsWith(p + "."))).toList();
        assertThat(dangling).as("@param lines naming no value").isEmpty();
        String deployMd = Files.readString(Project.resolve("docs/DEPLOY.md"));
        assertThat(params).allSatisfy(p -> assertThat(deployMd).as("docs/DEPLOY.md values table")
                .contains("| `" + p + "` |"));
    }

    private static void collectLeaves(String prefix, JsonNode node, Set<String> leaves) {
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(e -> collectLeaves(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                    e.getValue(), leaves));
        } else {
            leaves.add(prefix);
        }
    }

    /** The container's environment; a variable taken from a pod field reads {@code fieldRef:<path>}. */
    static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, HelmChartTest::envValue));
    }

    private static String envValue(EnvVar variable) {
        if (variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null) {
            return "fieldRef:" + variable.getValueFrom().getFieldRef().getFieldPath();
        }
        return variable.getValue();
    }

    static Map<String, String> mounts(Container container) {
        return container.getVolumeMounts().stream()
                .collect(Collectors.toMap(m -> m.getName(), m -> m.getMountPath()));
    }
}
