package dev.backbone.server.group;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** Groups sit between the HTTP layer and the topics: no Spring, no web, nothing from the layers above. */
class GroupArchitectureTest {

    private static final JavaClasses GROUPS = importGroups();

    /** The rules need only the names of the classes depended on, so the importer need not load them. */
    private static JavaClasses importGroups() {
        ArchConfiguration config = ArchConfiguration.get();
        boolean resolve = config.resolveMissingDependenciesFromClassPath();
        config.setResolveMissingDependenciesFromClassPath(false);
        try {
            return new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.backbone.server.group");
        } finally {
            config.setResolveMissingDependenciesFromClassPath(resolve);
        }
    }

    @Test
    void theGroupPackageIsImported() {
        assertThat(GROUPS.contain(GroupCoordinator.class)).isTrue();
        assertThat(GROUPS.contain(OffsetStore.class)).isTrue();
    }

    @Test
    void groupsImportNothingFromSpringOrReactor() {
        noClasses().that().resideInAPackage("dev.backbone.server.group..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "reactor..", "io.netty..")
                .check(GROUPS);
    }

    @Test
    void groupsDependOnlyDownwards() {
        noClasses().that().resideInAPackage("dev.backbone.server.group..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.backbone.server.http..",
                        "dev.backbone.server.config..", "dev.backbone.server.metrics..", "dev.backbone.server.stream..",
                        "dev.backbone.server.audit..")
                .check(GROUPS);
    }
}
