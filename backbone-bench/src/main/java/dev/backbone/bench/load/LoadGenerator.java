package dev.backbone.bench.load;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line load generator for a running broker:
 * {@code LoadGenerator produce|consume|e2e [--option=value ...]}. Every run is bounded (by records or by
 * duration) and prints one summary line per figure.
 */
public final class LoadGenerator {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: LoadGenerator <mode> [--option=value ...]",
            "  produce  --broker=http://127.0.0.1:8080 --topic=bench --format=binary|json --record-size=1024",
            "           --batch-size=1000 --concurrency=4 --records=1000000 --partitions=4 [--flush=none|sync]",
            "           --client=raw|jdk|backbone --compression=none|gzip|snappy|lz4|zstd --values=random|json-like [--seed=42]",
            "           [--rate=<requests/s>: a fixed rate, latency from each request's due time]",
            "  consume  --broker=... --topic=bench --format=binary|json --partitions=1 --max-bytes=4MiB",
            "           --from=earliest|<offset> [--records=N] --duration=60s --client=raw|jdk",
            "  e2e      --broker=... --topic=bench-e2e --format=binary|json --rate=1000 --duration=30s --warmup=5s",
            "           --record-size=1024 --client=raw|jdk --connections=4 --max-in-flight=256 [--flush=none|sync]",
            "           [--seed=42]",
            "  soak     --broker=... --topic=soak --duration=1h --interval=5m --partitions=8 --producers=4",
            "           --rate=200 --batch-records=10 --record-size=256 --retention=2m --segment-bytes=1MiB",
            "binary produce compresses its batches with --compression; JSON produce sets it as the topic's",
            "compression.type when the run creates the topic",
            "numbers take k/m/g (x1000) or KiB/MiB/GiB; durations take ms, s or m",
            "a broker in security mode enforce gets the API key or JWT in the environment variable BACKBONE_TOKEN");

    private LoadGenerator() {
    }

    public static void main(String[] args) {
        int status;
        try {
            run(Arrays.asList(args), System.out);
            status = 0;
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            status = 2;
        } catch (Exception e) {
            System.err.println("run failed: " + e);
            e.printStackTrace(System.err);
            status = 1;
        }
        System.exit(status);
    }

    private static SoakRun.Result soak(CommandLine options, PrintStream out) throws Exception {
        SoakRun.Result result = new SoakRun(SoakRun.Options.parse(options)).run(out);
        if (result.lost() > 0) {
            throw new IllegalStateException(result.lost() + " acknowledged records were never read back");
        }
        if (result.acknowledged() == 0) {
            throw new IllegalStateException("no record was acknowledged: the soak proved nothing");
        }
        return result;
    }

    /** Runs one mode and returns its result (a report record), for tests and for {@link #main}. */
    public static Object run(List<String> args, PrintStream out) throws Exception {
        if (args.isEmpty()) {
            throw new UsageException("no mode given");
        }
        CommandLine options = CommandLine.parse(args.subList(1, args.size()));
        return switch (args.get(0)) {
            case "produce" -> new ProduceRun(ProduceRun.Options.parse(options)).run(out);
            case "consume" -> new ConsumeRun(ConsumeRun.Options.parse(options)).run(out);
            case "e2e" -> new EndToEndRun(EndToEndRun.Options.parse(options)).run(out);
            case "soak" -> soak(options, out);
            default -> throw new UsageException("unknown mode '" + args.get(0)
                    + "'; use produce, consume, e2e or soak");
        };
    }
}
