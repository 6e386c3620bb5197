package dev.backbone.server.config;

import dev.backbone.server.BackboneServerApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Gives the broker its defaults from {@code backbone-server.yml}, below every other source (a deployment's
 * {@code application.yml}, the environment, arguments), and only when the application being started is the broker.
 *
 * <p>Why not an {@code application.yml} in the jar: a service that has the broker on its class path (its tests,
 * through the embedded broker) would read that file as its own configuration, and take the broker's port, name and
 * logging levels for its own. Registered in {@code META-INF/spring.factories}; ordered after the config data
 * post-processor so that the broker's defaults sit just above Spring's default properties, and before logging is
 * initialised, so that the logging levels in the defaults apply from the start.
 *
 * <p>Thread safety: stateless.
 */
public final class BrokerDefaults implements EnvironmentPostProcessor, Ordered {

    static final String RESOURCE = "backbone-server.yml";
    private static final String SOURCE_NAME = "backbone-server defaults (classpath:" + RESOURCE + ")";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!application.getAllSources().contains(BackboneServerApplication.class)
                || environment.getPropertySources().contains(SOURCE_NAME)) {
            return;
        }
        for (PropertySource<?> source : load()) {
            environment.getPropertySources().addLast(source);
        }
        DefaultPropertiesPropertySource.moveToEnd(environment);
    }

    private static List<PropertySource<?>> load() {
        try {
            return new YamlPropertySourceLoader().load(SOURCE_NAME, new ClassPathResource(RESOURCE,
                    BrokerDefaults.class.getClassLoader()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the broker's defaults, classpath:" + RESOURCE, e);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
