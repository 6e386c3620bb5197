package dev.backbone.test;

import dev.backbone.server.BackboneServerApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * A real Backbone broker running inside the current JVM: the broker application on 127.0.0.1 and a random port,
 * over a temporary data directory that {@link #close()} removes.
 *
 * <p>The broker is isolated from the application under test as far as one JVM allows: it reads no
 * {@code application.yml} or {@code application.properties} (its settings come only from {@link Builder#property}),
 * leaves the logging system as the test configured it, and starts without the auto-configurations of the Backbone
 * Spring starter and of libraries a broker never uses but a service's class path often has (security, JDBC, JPA,
 * other data stores, messaging), see {@link BrokerAutoConfigurations}.
 *
 * <p>Most tests should not start their own: {@link #shared(Map)} and {@link EmbeddedBackbone} hand out one broker
 * per JVM and set of properties, stopped when the JVM exits. Thread-safe.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final ConfigurableApplicationContext context;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final HttpClient admin = HttpClient.newBuilder().connectTimeout(ADMIN_TIMEOUT).build();

    private EmbeddedBroker(ConfigurableApplicationContext context, Path dataDir, boolean ownsDataDir) {
        this.context = context;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = Integer.parseInt(Objects.requireNonNull(
                context.getEnvironment().getProperty("local.server.port"), "local.server.port"));
    }

    /** Starts a broker with the default settings on a new temporary directory. */
    public static EmbeddedBroker start() {
        return builder().start();
    }

    /** A builder for a broker of one's own. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The JVM's broker for these broker properties, started on first use and stopped (its directory removed) when
     * the JVM exits. Callers must not close it.
     */
    public static EmbeddedBroker shared(Map<String, String> properties) {
        return SharedBrokers.get(properties);
    }

    /** The broker's base URL, e.g. {@code http://127.0.0.1:41234}: the value of {@code backbone.url}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The port the broker listens on. */
    public int port() {
        return port;
    }

    /** The broker's data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The broker's application context, for tests that look inside (a bean, a property). */
    public ConfigurableApplicationContext applicationContext() {
        return context;
    }

    /**
     * Creates a topic unless one of that name exists (an existing topic keeps its partitions and config).
     *
     * @param config topic config, e.g. {@code audit.chain=true}; may be empty
     * @return true if this call created it
     */
    public boolean createTopic(String name, int partitions, Map<String, String> config) {
        StringBuilder body = new StringBuilder("{\"name\":").append(quote(name))
                .append(",\"partitions\":").append(partitions).append(",\"config\":{");
        String separator = "";
        for (Map.Entry<String, String> e : config.entrySet()) {
            body.append(separator).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            separator = ",";
        }
        body.append("}}");
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/v1/topics")).timeout(ADMIN_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> answer;
        try {
            answer = admin.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not create topic " + name + " on " + url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
        if (answer.statusCode() == 201) {
            return true;
        }
        if (answer.statusCode() == 409 && answer.body().contains("/problems/topic-exists")) {
            return false;
        }
        throw new IllegalStateException("could not create topic " + name + " with " + partitions
                + " partition(s): " + answer.statusCode() + " " + answer.body());
    }

    /** Stops the broker and removes its data directory if the broker created it. */
    @Override
    public void close() {
        try {
            context.close();
        } finally {
            if (ownsDataDir) {
                deleteRecursively(dataDir);
            }
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the broker's data directory " + dir, e);
        }
    }

    /**
     * Gives the broker event loops of its own. On Reactor Netty's global ones, closing any broker (or the test's
     * own WebFlux context) would stop every other server and client of the JVM that shares them.
     */
    private static void ownNettyResources(ConfigurableApplicationContext context) {
        ReactorResourceFactory resources = new ReactorResourceFactory();
        resources.setUseGlobalResources(false);
        resources.setShutdownQuietPeriod(Duration.ZERO);
        ((GenericApplicationContext) context).registerBean(ReactorResourceFactory.class, () -> resources);
    }

    /** Settings of an {@link EmbeddedBroker}; not thread-safe. */
    public static final class Builder {

        private final Map<String, String> properties = new LinkedHashMap<>();
        private Path dataDir;

        private Builder() {
        }

        /** A broker property ({@code backbone.*}, {@code server.*}, ...), as in the broker's application.yml. */
        public Builder property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        /** Several broker properties. */
        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /**
         * Runs over an existing directory (to restart a broker on the data of a closed one); it is then left in
         * place by {@link #close()}. By default a new temporary directory is made and removed.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public EmbeddedBroker start() {
            boolean owns = dataDir == null;
            Path dir;
            try {
                dir = owns ? Files.createTempDirectory("backbone-embedded-") : dataDir;
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a temporary data directory", e);
            }
            try {
                return new EmbeddedBroker(run(dir), dir, owns);
            } catch (RuntimeException e) {
                if (owns) {
                    deleteRecursively(dir);
                }
                throw e;
            }
        }

        private ConfigurableApplicationContext run(Path dir) {
            Map<String, String> all = new LinkedHashMap<>();
            // No config file is read: the test's own application.yml describes the service, not the broker.
            all.put("spring.config.name", "backbone-embedded-broker");
            all.put("spring.application.name", "backbone-embedded-broker");
            all.put("spring.main.banner-mode", "off");
            all.put("spring.main.log-startup-info", "false");
            all.put("spring.jmx.enabled", "false");
            all.put("server.port", "0");
            all.put("server.address", "127.0.0.1");
            all.put("backbone.data-dir", dir.toString());
            all.put("management.endpoints.web.exposure.include", "health,prometheus");
            all.put("management.endpoint.health.show-details", "always");
            // The broker's meters stay in its own registry, apart from the service's (Micrometer's global one).
            all.put("management.metrics.use-global-registry", "false");
            all.put("springdoc.api-docs.enabled", "false");
            all.put("springdoc.swagger-ui.enabled", "false");
            all.put("spring.autoconfigure.exclude", String.join(",", BrokerAutoConfigurations.excluded(
                    Thread.currentThread().getContextClassLoader())));
            all.putAll(properties);
            List<String> args = new ArrayList<>();
            // As command-line arguments: they outrank the environment and system properties of the test JVM.
            all.forEach((k, v) -> args.add("--" + k + "=" + v));
            SpringApplication app = new SpringApplicationBuilder(BackboneServerApplication.class)
                    .web(WebApplicationType.REACTIVE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                    .registerShutdownHook(false).build();
            List<ApplicationListener<?>> listeners = new ArrayList<>(app.getListeners());
            // The logging system belongs to the test: re-initialising it would undo its levels and appenders.
            listeners.removeIf(LoggingApplicationListener.class::isInstance);
            app.setListeners(listeners);
            app.addInitializers(EmbeddedBroker::ownNettyResources);
            return app.run(args.toArray(String[]::new));
        }
    }
}
