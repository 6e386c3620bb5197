package dev.backbone.deploy.support;

import dev.backbone.checks.support.ChildProcess;
import dev.backbone.checks.support.FreePorts;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the container of a rendered StatefulSet as a local process, the way the kubelet would run it from the
 * image: the image's ENTRYPOINT (see {@link ImageReplay}) with the container's args, the image's ENV overridden by
 * the container's env, and every volume mount backed by a directory: ConfigMap and Secret volumes hold their
 * rendered (or given) data, emptyDir and claim volumes start empty. Mount paths in env values and args are
 * rewritten to those directories, and container ports to free local ports, since the process shares the host.
 *
 * <p>Thread safety: not thread-safe.
 */
public final class ChartContainer {

    private final RenderedChart chart;
    private final Container container;
    private final Path root;
    private final Map<String, Map<String, String>> externalSecrets = new LinkedHashMap<>();
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Path> mounts = new LinkedHashMap<>();

    public ChartContainer(RenderedChart chart, Path root) {
        this.chart = chart;
        this.container = statefulSet(chart).getSpec().getTemplate().getSpec().getContainers().get(0);
        this.root = root;
        for (ContainerPort port : container.getPorts()) {
            ports.put(port.getContainerPort(), FreePorts.next());
        }
    }

    public static StatefulSet statefulSet(RenderedChart chart) {
        return chart.one(StatefulSet.class);
    }

    public Container container() {
        return container;
    }

    /** Provides a Secret the chart only names (an existing Secret), as the operator would have created it. */
    public ChartContainer withExistingSecret(String name, Map<String, String> data) {
        externalSecrets.put(name, data);
        return this;
    }

    /** The local port standing for a named container port. */
    public int port(String name) {
        return container.getPorts().stream().filter(p -> p.getName().equals(name)).findFirst()
                .map(p -> ports.get(p.getContainerPort()))
                .orElseThrow(() -> new AssertionError("No container port " + name));
    }

    /** The local URL of an HTTP GET probe, with the probe's scheme. */
    public String url(HTTPGetAction probe) {
        String scheme = probe.getScheme() == null ? "http" : probe.getScheme().toLowerCase(java.util.Locale.ROOT);
        return scheme + "://127.0.0.1:" + port(probe.getPort().getStrVal()) + probe.getPath();
    }

    /** The local URL of a path on a named port, over plain HTTP. */
    public String url(String portName, String path) {
        return url("http", portName, path);
    }

    public String url(String scheme, String portName, String path) {
        return scheme + "://127.0.0.1:" + port(portName) + path;
    }

    /** The directory standing for a mount path of the container. */
    public Path mount(String mountPath) {
        Path dir = mounts.get(mountPath);
        if (dir == null) {
            throw new AssertionError("No volume mounted at " + mountPath);
        }
        return dir;
    }

    public ChildProcess start(ImageReplay image) {
        prepareVolumes();
        List<String> command = new ArrayList<>(image.entrypoint());
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            throw new AssertionError("The container overrides the image's ENTRYPOINT: " + container.getCommand());
        }
        for (String arg : container.getArgs()) {
            command.add(localize(arg));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(image.workdir().toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        image.env().forEach((name, value) -> builder.environment().put(name, localize(value)));
        for (EnvVar env : container.getEnv()) {
            if (env.getValueFrom() != null) {
                throw new AssertionError("env " + env.getName() + " comes from elsewhere; teach this check where");
            }
            builder.environment().put(env.getName(), localize(env.getValue()));
        }
        return ChildProcess.start("broker from the chart", builder, root.resolve("broker.log"));
    }

    /**
     * Gives every mount its directory first, then writes the ConfigMap and Secret data, so that a mounted file
     * naming another mount's path (the ConfigMap's application.yaml names the TLS files) is localized too.
     */
    private void prepareVolumes() {
        Map<String, Volume> volumes = new LinkedHashMap<>();
        statefulSet(chart).getSpec().getTemplate().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = volumes.get(mount.getName());
            if (volume == null && !isClaimTemplate(mount.getName())) {
                throw new AssertionError("Mount " + mount.getName() + " has no volume nor claim template");
            }
            mounts.put(mount.getMountPath(), root.resolve("volumes").resolve(mount.getName()));
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            Path dir = mounts.get(mount.getMountPath());
            Volume volume = volumes.get(mount.getName());
            try {
                Files.createDirectories(dir);
                if (volume != null && volume.getConfigMap() != null) {
                    ConfigMap map = chart.configMap(volume.getConfigMap().getName());
                    write(dir, map.getData(), volume.getConfigMap().getItems());
                } else if (volume != null && volume.getSecret() != null) {
                    write(dir, secretData(volume.getSecret().getSecretName()), volume.getSecret().getItems());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private boolean isClaimTemplate(String name) {
        return statefulSet(chart).getSpec().getVolumeClaimTemplates().stream()
                .anyMatch(c -> c.getMetadata().getName().equals(name));
    }

    private Map<String, String> secretData(String name) {
        if (externalSecrets.containsKey(name)) {
            return externalSecrets.get(name);
        }
        Map<String, String> decoded = new LinkedHashMap<>();
        chart.secret(name).orElseThrow(() -> new AssertionError("Secret " + name + " neither rendered nor given"))
                .getData().forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode(v),
                        StandardCharsets.UTF_8)));
        return decoded;
    }

    private void write(Path dir, Map<String, String> data, List<KeyToPath> items) throws IOException {
        if (items == null || items.isEmpty()) {
            for (Map.Entry<String, String> e : data.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), localizePaths(e.getValue()));
            }
            return;
        }
        for (KeyToPath item : items) {
            String value = data.get(item.getKey());
            if (value == null) {
                throw new AssertionError("Volume item " + item.getKey() + " is not in the data: " + data.keySet());
            }
            Files.writeString(dir.resolve(item.getPath()), localizePaths(value));
        }
    }

    /**
     * Rewrites mount paths and container ports to their local stand-ins, in one pass so that a replacement is never
     * rewritten again (a local directory under /tmp must not be taken for the /tmp mount). A path is replaced where
     * it starts the value or follows '=', ':', ',' or a space, and is followed by '/', the end or a separator; the
     * longest path is tried first.
     */
    private String localize(String value) {
        if (value == null) {
            return "";
        }
        if (value.matches("\\d+") && ports.containsKey(Integer.parseInt(value))) {
            return ports.get(Integer.parseInt(value)).toString();
        }
        return localizePaths(value);
    }

    /** Rewrites mount paths only, line by line: for env values, args and the contents of mounted files. */
    private String localizePaths(String value) {
        List<String> paths = new ArrayList<>(mounts.keySet());
        if (paths.isEmpty()) {
            return value;
        }
        paths.sort(Comparator.comparingInt(String::length).reversed());
        String alternatives = String.join("|", paths.stream().map(Pattern::quote).toList());
        Matcher m = Pattern.compile("(?m)(^|[=:,\\s])(" + alternatives + ")(?=/|$|[,:\\s])").matcher(value);
        StringBuilder result = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(result, Matcher.quoteReplacement(m.group(1) + mounts.get(m.group(2))));
        }
        m.appendTail(result);
        return result.toString();
    }
}
