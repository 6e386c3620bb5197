package dev.backbone.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void readsBothOptionFormsWithUnitsAndDefaults() {
        CommandLine args = CommandLine.parse(List.of("--records=2_000k", "--record-size", "1KiB",
                "--duration=1500ms", "--format=JSON"));

        assertThat(args.number("records", 1, 1)).isEqualTo(2_000_000);
        assertThat(args.intNumber("record-size", 1, 1)).isEqualTo(1024);
        assertThat(args.duration("duration", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
        assertThat(args.choice("format", Format.class, Format.BINARY)).isEqualTo(Format.JSON);
        assertThat(args.intNumber("concurrency", 4, 1)).isEqualTo(4);
        assertThat(args.duration("warmup", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void durationsTakeSecondsMinutesAndBareSeconds() {
        CommandLine args = CommandLine.parse(List.of("--a=30s", "--b=2m", "--c=7"));

        assertThat(args.duration("a", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(args.duration("b", null)).isEqualTo(Duration.ofMinutes(2));
        assertThat(args.duration("c", null)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void rejectsMalformedInputNamingTheOption() {
        assertThatThrownBy(() -> CommandLine.parse(List.of("records=5")))
                .isInstanceOf(UsageException.class).hasMessageContaining("records=5");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--records")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--records needs a value");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--a=1", "--a=2")))
                .isInstanceOf(UsageException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--records=lots")).number("records", 1, 1))
                .isInstanceOf(UsageException.class).hasMessageContaining("--records is not a whole number");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--records=0")).number("records", 1, 1))
                .isInstanceOf(UsageException.class).hasMessageContaining("must be >= 1, was 0");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--records=99999999999g")).number("records", 1, 1))
                .isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> CommandLine.parse(List.of("--n=3000000000")).intNumber("n", 1, 1))
                .isInstanceOf(UsageException.class).hasMessageContaining("<= 2147483647");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--format=xml")).choice("format", Format.class, null))
                .isInstanceOf(UsageException.class).hasMessageContaining("[binary, json]");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--d=soon")).duration("d", null))
                .isInstanceOf(UsageException.class).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--broker=ftp://x")).uri("broker", null))
                .isInstanceOf(UsageException.class).hasMessageContaining("http://host:port");
        assertThat(CommandLine.parse(List.of("--broker=https://127.0.0.1:8443")).uri("broker", null).getPort())
                .isEqualTo(8443);
    }

    @Test
    void unknownOptionsAreRejectedSoATypoNeverRunsWithADefault() {
        CommandLine args = CommandLine.parse(List.of("--recrods=5", "--topic=t"));

        assertThatThrownBy(() -> args.rejectUnknown(Set.of("records", "topic")))
                .isInstanceOf(UsageException.class).hasMessageContaining("[recrods]");
    }

    @Test
    void modeOptionsParseWithDefaults() {
        ProduceRun.Options produce = ProduceRun.Options.parse(CommandLine.parse(List.of(
                "--broker=http://127.0.0.1:9000", "--format=json", "--records=10k", "--flush=sync")));
        assertThat(produce.broker().getPort()).isEqualTo(9000);
        assertThat(produce.format()).isEqualTo(Format.JSON);
        assertThat(produce.records()).isEqualTo(10_000);
        assertThat(produce.recordSize()).isEqualTo(1024);
        assertThat(produce.batchSize()).isEqualTo(1000);
        assertThat(produce.flush()).isEqualTo("sync");

        ConsumeRun.Options consume = ConsumeRun.Options.parse(CommandLine.parse(List.of("--from=17")));
        assertThat(consume.from()).isEqualTo("17");
        assertThat(consume.maxBytes()).isEqualTo(4 << 20);
        assertThat(consume.format()).isEqualTo(Format.BINARY);
        assertThat(consume.client()).isEqualTo(ClientKind.RAW);

        EndToEndRun.Options e2e = EndToEndRun.Options.parse(CommandLine.parse(List.of("--rate=250",
                "--duration=3s")));
        assertThat(e2e.rate()).isEqualTo(250);
        assertThat(e2e.duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(e2e.warmup()).isEqualTo(Duration.ofSeconds(5));

        assertThatThrownBy(() -> ProduceRun.Options.parse(CommandLine.parse(List.of("--flush=always"))))
                .isInstanceOf(UsageException.class).hasMessageContaining("none or sync");
        assertThatThrownBy(() -> ConsumeRun.Options.parse(CommandLine.parse(List.of("--from=-3"))))
                .isInstanceOf(UsageException.class).hasMessageContaining("earliest or an offset");
        assertThatThrownBy(() -> EndToEndRun.Options.parse(CommandLine.parse(List.of("--duration=0s"))))
                .isInstanceOf(UsageException.class).hasMessageContaining("--duration must be > 0");
    }

    @Test
    void unknownModeIsAUsageError() {
        assertThatThrownBy(() -> LoadGenerator.run(List.of("flood"), System.out))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown mode 'flood'");
        assertThatThrownBy(() -> LoadGenerator.run(List.of(), System.out))
                .isInstanceOf(UsageException.class).hasMessageContaining("no mode");
    }
}
