package dev.backbone.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.server.BackboneServerApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class BrokerDefaultsTest {

    @Test
    void theBrokerGetsItsDefaultsBelowEverythingElseAndAboveSpringsDefaultProperties() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("deployment",
                Map.of("server.shutdown", "immediate")));
        environment.getPropertySources().addLast(new MapPropertySource("defaultProperties",
                Map.of("backbone.data-dir", "/from/default/properties", "only.in.defaults", "kept")));

        new BrokerDefaults().postProcessEnvironment(environment, new SpringApplication(BackboneServerApplication.class));

        assertThat(environment.getProperty("spring.application.name")).isEqualTo("backbone-server");
        assertThat(environment.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
        assertThat(environment.getProperty("server.shutdown")).as("a deployment's setting wins").isEqualTo("immediate");
        assertThat(environment.getProperty("backbone.data-dir")).as("the broker's default beats Spring's defaults")
                .isEqualTo("./data");
        assertThat(environment.getProperty("only.in.defaults")).isEqualTo("kept");
        assertThat(environment.getPropertySources().stream().reduce((a, b) -> b).orElseThrow().getName())
                .isEqualTo("defaultProperties");
    }

    @Test
    void anyOtherApplicationOnTheSameClassPathGetsNone() {
        StandardEnvironment environment = new StandardEnvironment();
        int before = environment.getPropertySources().size();

        new BrokerDefaults().postProcessEnvironment(environment, new SpringApplication(ServiceApplication.class));

        assertThat(environment.getPropertySources().size()).isEqualTo(before);
        assertThat(environment.getProperty("spring.application.name")).isNull();
        assertThat(environment.getProperty("backbone.data-dir")).isNull();
    }

    @Test
    void appliedTwiceItAddsTheDefaultsOnce() {
        StandardEnvironment environment = new StandardEnvironment();
        SpringApplication broker = new SpringApplication(BackboneServerApplication.class);
        new BrokerDefaults().postProcessEnvironment(environment, broker);
        int after = environment.getPropertySources().size();

        new BrokerDefaults().postProcessEnvironment(environment, broker);

        assertThat(environment.getPropertySources().size()).isEqualTo(after);
    }

    /** Stands for a service whose test class path carries the broker. */
    static final class ServiceApplication {
    }
}
