package dev.backbone.server.log;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The engine is a library: no Spring, and nothing from the layers above it. */
class EngineArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.backbone.server.log");

    @Test
    void theEnginePackageIsImported() {
        assertThat(ENGINE.contain(LogManager.class)).isTrue();
        assertThat(ENGINE.contain(LocalPartitionLog.class)).isTrue();
    }

    @Test
    void theEngineImportsNothingFromSpring() {
        noClasses().that().resideInAPackage("dev.backbone.server.log..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "reactor..", "io.netty..")
                .check(ENGINE);
    }

    @Test
    void theEngineDependsOnNoOtherServerPackage() {
        noClasses().that().resideInAPackage("dev.backbone.server.log..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.backbone.server.topic..",
                        "dev.backbone.server.http..", "dev.backbone.server.group..", "dev.backbone.server.stream..",
                        "dev.backbone.server.audit..", "dev.backbone.server.config..", "dev.backbone.server.error..",
                        "dev.backbone.server.metrics..")
                .check(ENGINE);
    }
}
