package dev.backbone.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way: http → security → group/stream/audit/topic → log, with error, metrics and health
 * beside them; only config wires beans from properties.
 */
class LayeringArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.backbone.server");
    }

    @Test
    void theEngineDependsOnNoOtherServerPackageAndNoSpring() {
        noClasses().that().resideInAPackage("dev.backbone.server.log..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "reactor..",
                        "dev.backbone.server.topic..", "dev.backbone.server.http..", "dev.backbone.server.error..",
                        "dev.backbone.server.config..", "dev.backbone.server.metrics..", "dev.backbone.server.health..",
                        "dev.backbone.server.group..", "dev.backbone.server.stream..", "dev.backbone.server.audit..",
                        "dev.backbone.server.security..")
                .check(classes);
    }

    @Test
    void securityKnowsNothingOfTheWebLayersHandlersOrTheWiring() {
        noClasses().that().resideInAPackage("dev.backbone.server.security..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.backbone.server.http..",
                        "dev.backbone.server.config..", "dev.backbone.server.metrics..", "dev.backbone.server.health..")
                .check(classes);
    }

    @Test
    void nothingBelowTheWebLayerDependsOnSecurity() {
        noClasses().that().resideInAnyPackage("dev.backbone.server.topic..", "dev.backbone.server.log..",
                        "dev.backbone.server.group..", "dev.backbone.server.stream..", "dev.backbone.server.audit..",
                        "dev.backbone.server.error..", "dev.backbone.server.metrics..", "dev.backbone.server.health..")
                .should().dependOnClassesThat().resideInAPackage("dev.backbone.server.security..")
                .check(classes);
    }

    @Test
    void topicsKnowNothingOfTheWebLayerOrTheWiring() {
        noClasses().that().resideInAPackage("dev.backbone.server.topic..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.backbone.server.http..",
                        "dev.backbone.server.config..", "dev.backbone.server.metrics..", "dev.backbone.server.health..",
                        "org.springframework..", "reactor..")
                .check(classes);
    }

    @Test
    void errorsAreMappedWithoutKnowingTheLayersAbove() {
        noClasses().that().resideInAPackage("dev.backbone.server.error..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.backbone.server.http..",
                        "dev.backbone.server.topic..", "dev.backbone.server.config..", "dev.backbone.server.metrics..",
                        "dev.backbone.server.health..")
                .check(classes);
    }

    @Test
    void metricsAndHealthDoNotReachIntoTheWebLayer() {
        noClasses().that().resideInAnyPackage("dev.backbone.server.metrics..", "dev.backbone.server.health..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.backbone.server.http..",
                        "dev.backbone.server.config..")
                .check(classes);
    }

    @Test
    void onlyTheApplicationDependsOnTheWiring() {
        noClasses().that().resideOutsideOfPackage("dev.backbone.server.config..")
                .and().doNotHaveFullyQualifiedName(BackboneServerApplication.class.getName())
                .should().dependOnClassesThat().resideInAPackage("dev.backbone.server.config..")
                .check(classes);
    }

    @Test
    void theWebLayerIsTheOnlyOneOnTopOfTopics() {
        noClasses().that().resideInAnyPackage("dev.backbone.server.topic..", "dev.backbone.server.log..",
                        "dev.backbone.server.group..", "dev.backbone.server.stream..", "dev.backbone.server.audit..")
                .should().dependOnClassesThat().resideInAPackage("dev.backbone.server.http..")
                .check(classes);
    }
}
