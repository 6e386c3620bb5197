package dev.backbone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backbone.checks.support.Commands;
import dev.backbone.deploy.support.MonitoringFiles;
import dev.backbone.deploy.support.PrometheusBinaries;
import dev.backbone.deploy.support.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prometheus's own checker accepts the project's Prometheus configuration, its alert rules and their unit tests. */
class PromtoolTest {

    @Test
    void promtoolAcceptsTheConfiguration() {
        var result = Commands.run(Project.root(), List.of(PrometheusBinaries.promtool().toString(), "check", "config",
                MonitoringFiles.prometheusConfig().toString()));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void promtoolAcceptsEveryRuleFile() {
        List<String> command = new ArrayList<>(List.of(PrometheusBinaries.promtool().toString(), "check", "rules"));
        MonitoringFiles.ruleFiles().forEach(p -> command.add(p.toString()));
        var result = Commands.run(Project.root(), command);
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    @Test
    void alertRulesFireAsTheirUnitTestsSay() {
        Path tests = Project.resolve("deploy/prometheus/rules/tests");
        List<String> command = new ArrayList<>(List.of(PrometheusBinaries.promtool().toString(), "test", "rules"));
        try (var files = Files.list(tests)) {
            files.filter(p -> p.toString().endsWith(".test.yml")).sorted().forEach(p -> command.add(p.toString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(command).hasSizeGreaterThan(3);
        var result = Commands.run(tests, command);
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }
}
