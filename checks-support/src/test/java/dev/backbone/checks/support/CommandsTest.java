package dev.backbone.checks.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {

    @Test
    void returnsExitCodeAndOutputWhateverTheExitCode(@TempDir Path dir) throws IOException {
        Commands.Result result = Commands.run(dir, List.of("sh", "-c", "pwd; echo oops >&2; exit 3"));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).contains(dir.toRealPath().toString()).contains("oops");
        assertThat(result.toString()).startsWith("sh -c").contains("exit 3").contains("oops");
    }

    @Test
    void checkReturnsTheOutputOrFailsWithIt() {
        assertThat(Commands.check("echo", "fine")).isEqualTo("fine\n");
        assertThatThrownBy(() -> Commands.check("sh", "-c", "echo broken; exit 1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exit 1").hasMessageContaining("broken");
    }
}
