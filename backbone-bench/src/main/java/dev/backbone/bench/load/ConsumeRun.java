package dev.backbone.bench.load;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads partitions from the start (or a given offset) to the end offset they had when the run began, one
 * worker per partition, each fetching as fast as the answers come.
 *
 * <p>Binary answers are streamed through a {@link BatchBoundaryTracker} and never held, so the figure is
 * the broker's and the loopback's, not this client's allocation rate. The run is bounded by the end offset
 * seen at start, by {@code --records} and by {@code --duration}, whichever comes first.
 * Thread safety: run once, from one thread.
 */
public final class ConsumeRun {

    public static final Set<String> OPTIONS = Set.of("broker", "topic", "format", "partitions", "max-bytes",
            "from", "records", "duration", "client");

    /**
     * @param from     {@code earliest} or an offset
     * @param records  stop each partition after about this many records
     */
    public record Options(URI broker, String topic, Format format, int partitions, int maxBytes, String from,
                          long records, Duration duration, ClientKind client) {

        public static Options parse(CommandLine args) {
            args.rejectUnknown(OPTIONS);
            if (args.choice("client", ClientKind.class, ClientKind.RAW) == ClientKind.BACKBONE) {
                throw new UsageException("--client=backbone is for produce runs; consume takes raw or jdk");
            }
            String from = args.string("from", "earliest");
            if (!from.equals("earliest")) {
                try {
                    if (Long.parseLong(from) < 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new UsageException("--from must be earliest or an offset >= 0, was '" + from + "'");
                }
            }
            return new Options(args.uri("broker", "http://127.0.0.1:8080"), args.string("topic", "bench"),
                    args.choice("format", Format.class, Format.BINARY),
                    args.intNumber("partitions", 1, 1),
                    args.intNumber("max-bytes", 4 << 20, 1),
                    from,
                    args.number("records", Long.MAX_VALUE, 1),
                    args.duration("duration", Duration.ofSeconds(60)),
                    args.choice("client", ClientKind.class, ClientKind.RAW));
        }
    }

    private final Options options;
    private final BrokerClient client;

    public ConsumeRun(Options options) {
        this.options = options;
        this.client = new BrokerClient(options.broker());
    }

    public ThroughputReport run(PrintStream out) throws Exception {
        out.printf("consume: %s (%s client) from %s, partitions 0..%d, maxBytes %,d, at most %s%n",
                options.format().name().toLowerCase(), options.client().name().toLowerCase(), options.topic(),
                options.partitions() - 1,
                options.maxBytes(), options.duration());
        ExecutorService workers = Executors.newFixedThreadPool(options.partitions());
        try {
            long start = System.nanoTime();
            long deadline = start + options.duration().toNanos();
            List<Future<long[]>> futures = new ArrayList<>();
            for (int p = 0; p < options.partitions(); p++) {
                int partition = p;
                futures.add(workers.submit(() -> options.format() == Format.BINARY
                        ? consumeBinary(partition, deadline) : consumeJson(partition, deadline)));
            }
            long records = 0;
            long bytes = 0;
            long requests = 0;
            for (Future<long[]> future : futures) {
                long[] totals = Futures.await(future);
                records += totals[0];
                bytes += totals[1];
                requests += totals[2];
            }
            ThroughputReport report = new ThroughputReport("consume " + options.format().name().toLowerCase(),
                    records, bytes, requests, System.nanoTime() - start);
            out.println(report.format());
            return report;
        } finally {
            workers.shutdownNow();
        }
    }

    /** Returns {records, bytes, requests}. */
    private long[] consumeBinary(int partition, long deadline) throws Exception {
        if (options.client() == ClientKind.RAW) {
            try (RawHttpConnection fetcher = new RawHttpConnection(options.broker())) {
                return consumeBinary(partition, deadline, (offset, maxBytes) -> fetcher.fetch(options.topic(),
                        partition, offset, maxBytes, 0));
            }
        }
        return consumeBinary(partition, deadline, (offset, maxBytes) -> client.fetchCounting(options.topic(),
                partition, offset, maxBytes, 0));
    }

    /** One binary fetch by whichever client the run uses. */
    private interface BinaryFetcher {
        BrokerClient.BinaryFetch fetch(String offset, int maxBytes) throws Exception;
    }

    private long[] consumeBinary(int partition, long deadline, BinaryFetcher fetcher) throws Exception {
        String offset = options.from();
        long stopAt = -1;
        long records = 0;
        long bytes = 0;
        long requests = 0;
        while (System.nanoTime() < deadline && records < options.records()) {
            BrokerClient.BinaryFetch fetch = fetcher.fetch(offset, options.maxBytes());
            requests++;
            if (stopAt < 0) {
                stopAt = fetch.offsets().endOffset();
            }
            BatchBoundaryTracker tracker = fetch.tracker();
            if (tracker.batches() == 0) {
                break;
            }
            records += tracker.records();
            bytes += tracker.bytes();
            if (tracker.nextOffset() >= stopAt) {
                break;
            }
            offset = Long.toString(tracker.nextOffset());
        }
        return new long[] {records, bytes, requests};
    }

    private long[] consumeJson(int partition, long deadline) throws Exception {
        if (options.client() == ClientKind.RAW) {
            try (RawHttpConnection fetcher = new RawHttpConnection(options.broker())) {
                return consumeJson(deadline, (offset, maxBytes) -> fetcher.fetchJson(options.topic(), partition,
                        offset, maxBytes, 0));
            }
        }
        return consumeJson(deadline, (offset, maxBytes) -> client.fetchJson(options.topic(), partition, offset,
                maxBytes, 0));
    }

    /** One JSON fetch by whichever client the run uses. */
    private interface JsonFetcher {
        BrokerClient.JsonFetch fetch(String offset, int maxBytes) throws Exception;
    }

    private long[] consumeJson(long deadline, JsonFetcher fetcher) throws Exception {
        String offset = options.from();
        long stopAt = -1;
        long records = 0;
        long bytes = 0;
        long requests = 0;
        while (System.nanoTime() < deadline && records < options.records()) {
            BrokerClient.JsonFetch fetch = fetcher.fetch(offset, options.maxBytes());
            requests++;
            long requested = offset.equals("earliest") ? fetch.offsets().logStartOffset() : Long.parseLong(offset);
            if (stopAt < 0) {
                stopAt = fetch.offsets().endOffset();
            }
            if (fetch.nextOffset() <= requested) {
                break;
            }
            records += fetch.nextOffset() - requested;
            bytes += fetch.bodyBytes();
            if (fetch.nextOffset() >= stopAt) {
                break;
            }
            offset = Long.toString(fetch.nextOffset());
        }
        return new long[] {records, bytes, requests};
    }
}
