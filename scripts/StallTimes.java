import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Key-stream reads of random keys among {@code k0..k999999} of topic {@code ks} on 127.0.0.1, over N keep-alive
 * connections with one thread each, for D seconds; each request is timed from its write to the last byte of its
 * answer. Prints the percentiles of all requests, then when each request slower than 10 ms started (ms from the
 * start) and how long it took, so that stalls can be told apart by their timing. Seeded (42 + connection number).
 * A plain closed-loop client whose figures can be checked by hand; see docs/BENCHMARKS.md ("fourth round").
 *
 * <p>usage: {@code java scripts/StallTimes.java <port> <connections> <seconds>}
 */
public class StallTimes {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<long[]> slow = java.util.Collections.synchronizedList(new ArrayList<>());
        long[] total = new long[connections];
        long[][] latencies = new long[connections][];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                Random random = new Random(42 + id);
                long[] mine = new long[4_000_000];
                latencies[id] = mine;
                byte[] buffer = new byte[65536];
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
                    while (System.nanoTime() < end) {
                        String request = "GET /v1/topics/ks/keys/k" + random.nextInt(1_000_000)
                                + "/records HTTP/1.1\r\nHost: x\r\n\r\n";
                        long t0 = System.nanoTime();
                        out.write(request.getBytes(StandardCharsets.US_ASCII));
                        readAnswer(in, buffer);
                        long t1 = System.nanoTime();
                        if (total[id] < mine.length) {
                            mine[(int) total[id]] = t1 - t0;
                        }
                        total[id]++;
                        if (t1 - t0 > 10_000_000L) {
                            slow.add(new long[] {(t0 - start) / 1_000_000, (t1 - t0) / 1_000_000});
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long n = 0;
        for (long x : total) {
            n += x;
        }
        long[] all = new long[(int) n];
        int k = 0;
        for (int c = 0; c < connections; c++) {
            for (int i = 0; i < total[c]; i++) {
                all[k++] = latencies[c][i];
            }
        }
        java.util.Arrays.sort(all);
        StringBuilder percentiles = new StringBuilder();
        for (double p : new double[] {50, 90, 99, 99.9, 99.99}) {
            int rank = (int) Math.min(all.length - 1, Math.ceil(p / 100 * all.length) - 1);
            percentiles.append(" p").append(p).append('=').append(all[rank] / 1000).append("us");
        }
        System.out.println("requests " + n + ", slower than 10 ms: " + slow.size() + ";" + percentiles
                + " max=" + all[all.length - 1] / 1000 + "us");
        slow.sort((a, b) -> Long.compare(a[0], b[0]));
        StringBuilder line = new StringBuilder();
        for (long[] s : slow) {
            line.append(s[0]).append("ms+").append(s[1]).append(' ');
        }
        System.out.println(line);
    }

    /** Reads one answer with a Content-Length (the key read's). */
    private static void readAnswer(InputStream in, byte[] buffer) throws Exception {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString().toLowerCase();
        int i = h.indexOf("content-length:");
        int length = Integer.parseInt(h.substring(i + 15, h.indexOf('\r', i)).trim());
        int read = 0;
        while (read < length) {
            int r = in.read(buffer, 0, Math.min(buffer.length, length - read));
            if (r < 0) {
                throw new IllegalStateException("closed");
            }
            read += r;
        }
    }
}
