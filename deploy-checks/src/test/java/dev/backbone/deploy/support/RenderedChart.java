package dev.backbone.deploy.support;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The manifests {@code helm template} renders for the chart, parsed into fabric8's Kubernetes model: known kinds
 * become their model classes ({@link StatefulSet}, {@code Service}, ...), others (the Prometheus Operator's
 * ServiceMonitor) a {@code GenericKubernetesResource}.
 *
 * <p>Thread safety: immutable.
 */
public final class RenderedChart {

    public static final String RELEASE = "bb";
    public static final String NAMESPACE = "events";
    /** The Kubernetes version rendered for: helm-java's Helm would assume v1.20, older than the chart allows. */
    public static final String KUBE_VERSION = "1.31.0";

    private static final YAMLMapper YAML = new YAMLMapper();

    private final String yaml;
    private final List<HasMetadata> objects;

    private RenderedChart(String yaml, List<HasMetadata> objects) {
        this.yaml = yaml;
        this.objects = List.copyOf(objects);
    }

    /** Renders the chart with its default values and then each of {@code valuesFiles} (relative to the chart). */
    public static RenderedChart render(String... valuesFiles) {
        TemplateCommand template = new Helm(Project.chart()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (String file : valuesFiles) {
            template = template.withValuesFile(Project.chart().resolve(file));
        }
        return parse(template.call());
    }

    /** Renders with the values of one file given as an absolute path. */
    public static RenderedChart renderWith(Path valuesFile) {
        return parse(new Helm(Project.chart()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(valuesFile).call());
    }

    static RenderedChart parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                objects.add((HasMetadata) YAML.treeToValue(doc, KubernetesResource.class));
            }
        }
        return new RenderedChart(yaml, objects);
    }

    public String yaml() {
        return yaml;
    }

    public List<HasMetadata> objects() {
        return objects;
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("Expected one " + type.getSimpleName() + ", rendered " + found.size());
        }
        return found.get(0);
    }

    public Optional<HasMetadata> byKindAndName(String kind, String name) {
        return objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .findFirst();
    }

    public ConfigMap configMap(String name) {
        return (ConfigMap) byKindAndName("ConfigMap", name)
                .orElseThrow(() -> new AssertionError("No ConfigMap " + name));
    }

    public Optional<Secret> secret(String name) {
        return byKindAndName("Secret", name).map(Secret.class::cast);
    }

    /** The Spring properties file the chart's ConfigMap gives the broker, as a tree. */
    public Map<String, Object> applicationConfig(String configMapName) {
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = YAML.readValue(configMap(configMapName).getData().get("application.yaml"),
                Map.class);
        return tree;
    }
}
