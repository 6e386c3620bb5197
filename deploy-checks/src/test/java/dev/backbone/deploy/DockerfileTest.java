package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.deploy.support.Dockerfile;
import dev.backbone.deploy.support.Project;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shape every runnable module's Dockerfile keeps: a Maven build stage, a slim JRE final stage running as a
 * fixed non-root uid, Spring Boot's layers copied least-changing first, a HEALTHCHECK and the Boot launcher as
 * entrypoint. That the layers and entrypoint really start the application is checked by running them (see
 * {@code ImageReplay}); this test keeps the rest from drifting.
 */
class DockerfileTest {

    private static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader",
            "snapshot-dependencies", "application");

    @ParameterizedTest
    @ValueSource(strings = {"backbone-server", "sample-order-service", "sample-audit-service"})
    void everyRunnableModulesDockerfileIsMultiStageNonRootLayeredWithAHealthcheck(String module) {
        Dockerfile file = Dockerfile.read(Project.resolve(module + "/Dockerfile"));
        assertShape(file);
        assertThat(file.stages().get(0).all("RUN").get(0).arguments()).contains("-pl " + module + " -am package");
    }

    static void assertShape(Dockerfile file) {
        assertThat(file.stages()).as("stages of %s", file.file()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(file.stages().get(0).from()).startsWith("maven:");
        Dockerfile.Stage last = file.finalStage();
        assertThat(last.from()).contains("-jre");
        String user = last.last("USER").arguments();
        assertThat(user).as("USER").doesNotStartWith("root").doesNotStartWith("0");
        assertThat(user.split(":")[0]).as("a numeric uid, so runAsNonRoot can verify it").matches("\\d+");
        List<String> copied = last.all("COPY").stream().map(c -> c.arguments())
                .filter(a -> a.startsWith("--from=")).toList();
        assertThat(copied).hasSize(LAYERS.size());
        for (int i = 0; i < LAYERS.size(); i++) {
            assertThat(copied.get(i)).as("layer %d", i).contains("/" + LAYERS.get(i) + "/");
        }
        assertThat(last.last("HEALTHCHECK").arguments()).contains("/actuator/health/readiness");
        assertThat(last.last("ENTRYPOINT").execForm())
                .containsExactly("java", "org.springframework.boot.loader.launch.JarLauncher");
        assertThat(last.all("VOLUME")).as("a volume for the data, the only writable path besides /tmp")
                .hasSizeLessThanOrEqualTo(1);
    }
}
