package dev.backbone.replication.support;

import dev.backbone.checks.support.Commands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Linux network namespace per broker, so that the network between brokers can fail the way real networks do.
 *
 * <p>Layout of one run (names carry this JVM's pid and a random run id, so two runs never collide and a later run
 * can tell an abandoned run from a live one):
 * <pre>
 *   root namespace (the test JVM, its clients)
 *     bbrc&lt;run&gt;  10.a.b.1/24 ──veth──┐
 *   bbrc-&lt;pid&gt;-&lt;run&gt;-sw                 │
 *     br0 (bridge) ── host ────────────┘
 *          ├── n0 ──veth── bbrc-&lt;pid&gt;-&lt;run&gt;-n0: eth0 10.a.b.10/24, lo
 *          ├── n1 ──veth── bbrc-&lt;pid&gt;-&lt;run&gt;-n1: eth0 10.a.b.11/24, lo
 *          └── ...
 * </pre>
 * The bridge lives in its own namespace, so nothing of the root namespace's firewall (a Docker host's FORWARD
 * policy) applies to traffic between brokers, and the root namespace gains one interface only. The /24 is chosen at
 * random among 10.64.0.0 to 10.254.255.0 and refused when it overlaps an address or route the machine has.
 *
 * <p>Faults are iptables DROP rules in the filter table of the brokers' namespaces, in both directions (INPUT from
 * and OUTPUT to the unreachable peers), so packets vanish as in a real partition instead of being refused. Faults
 * cut brokers from each other only: the test's clients, in the root namespace, keep reaching every broker, as
 * clients on the far side of a partition do (Jepsen's partitions between servers).
 *
 * <p>{@link #close()} kills what still runs inside the namespaces (the processes this run started there) and
 * deletes the namespaces, which takes their interfaces with them; a shutdown hook does the same if the JVM exits
 * without closing, and {@link #create} first deletes what runs of dead JVMs left behind.
 *
 * <p>Thread safety: fault methods are synchronized; one test drives an instance.
 */
public final class NetworkNamespaces implements AutoCloseable {

    private static final String PREFIX = "bbrc";
    private static final Pattern RUN_NAMESPACE = Pattern.compile(PREFIX + "-(\\d+)-([0-9a-f]{6})-(sw|n\\d+)");
    private static final Pattern PREFIX_TOKEN = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)(?:/(\\d+))?");
    private static final int FIRST_NODE_HOST = 10;

    private final String run;
    private final String subnet;
    private final int nodes;
    private final Thread cleanupHook;
    private boolean closed;

    private NetworkNamespaces(String run, String subnet, int nodes) {
        this.run = run;
        this.subnet = subnet;
        this.nodes = nodes;
        this.cleanupHook = new Thread(this::deleteAll, "netns-cleanup-" + run);
    }

    /** Whether this process may create namespaces: root, with {@code ip} and {@code iptables} installed. */
    public static boolean available() {
        try {
            return "0".equals(Commands.check("id", "-u").strip())
                    && Commands.run(List.of("ip", "netns", "list")).succeeded()
                    && Commands.run(List.of("iptables", "--version")).succeeded();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Creates the switch and {@code nodes} broker namespaces, each with its address and {@code lo} up. */
    public static NetworkNamespaces create(int nodes) {
        if (nodes < 1 || nodes > 200) {
            throw new IllegalArgumentException("nodes must be 1..200, was " + nodes);
        }
        sweepAbandoned();
        String run = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        NetworkNamespaces namespaces = new NetworkNamespaces(run, freeSubnet(), nodes);
        Runtime.getRuntime().addShutdownHook(namespaces.cleanupHook);
        try {
            namespaces.build();
        } catch (RuntimeException e) {
            namespaces.close();
            throw e;
        }
        return namespaces;
    }

    public int nodes() {
        return nodes;
    }

    /** The address of broker {@code node}'s namespace. */
    public String address(int node) {
        checkNode(node);
        return subnet + "." + (FIRST_NODE_HOST + node);
    }

    /** The root namespace's address on the bridge, where the test's clients come from. */
    public String hostAddress() {
        return subnet + ".1";
    }

    /** The namespace's name, as {@code ip netns} knows it. */
    public String namespace(int node) {
        checkNode(node);
        return runPrefix() + "-n" + node;
    }

    /** The words to put in front of a command to run it inside broker {@code node}'s namespace. */
    public List<String> execPrefix(int node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    /** Cuts {@code node} off from every other broker, both ways. */
    public synchronized void isolate(int node) {
        Set<Integer> alone = Set.of(node);
        Set<Integer> rest = new HashSet<>();
        for (int i = 0; i < nodes; i++) {
            if (i != node) {
                rest.add(i);
            }
        }
        partition(List.of(alone, rest));
    }

    /**
     * Splits the brokers into {@code sides}: each broker reaches the brokers of its own side only. A broker on no
     * side is cut off from all. Replaces any earlier fault.
     */
    public synchronized void partition(List<? extends Collection<Integer>> sides) {
        heal();
        for (int node = 0; node < nodes; node++) {
            Set<Integer> reachable = new HashSet<>(Set.of(node));
            for (Collection<Integer> side : sides) {
                if (side.contains(node)) {
                    reachable.addAll(side);
                }
            }
            for (int peer = 0; peer < nodes; peer++) {
                if (!reachable.contains(peer)) {
                    drop(node, peer);
                }
            }
        }
    }

    /** Removes every fault. */
    public synchronized void heal() {
        for (int node = 0; node < nodes; node++) {
            iptables(node, "-F", "INPUT");
            iptables(node, "-F", "OUTPUT");
        }
    }

    /**
     * Whether a TCP connection from inside {@code from}'s namespace to {@code to}'s address and {@code port} is
     * established within {@code timeout} (a DROP rule makes it time out).
     */
    public boolean canConnect(int from, int to, int port, Duration timeout) {
        List<String> command = new ArrayList<>(execPrefix(from));
        command.addAll(List.of("timeout", Double.toString(timeout.toMillis() / 1000.0), "bash", "-c",
                "exec 3<>/dev/tcp/" + address(to) + "/" + port));
        return Commands.run(command).succeeded();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; deleting twice is harmless.
        }
    }

    @Override
    public String toString() {
        return "NetworkNamespaces[" + runPrefix() + ", " + subnet + ".0/24, " + nodes + " nodes]";
    }

    private void build() {
        String sw = runPrefix() + "-sw";
        Commands.check("ip", "netns", "add", sw);
        Commands.check("ip", "-n", sw, "link", "set", "lo", "up");
        Commands.check("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        Commands.check("ip", "-n", sw, "link", "set", "br0", "up");
        String hostLink = PREFIX + run;
        Commands.check("ip", "link", "add", hostLink, "type", "veth", "peer", "name", "host", "netns", sw);
        Commands.check("ip", "-n", sw, "link", "set", "host", "master", "br0", "up");
        Commands.check("ip", "addr", "add", hostAddress() + "/24", "dev", hostLink);
        Commands.check("ip", "link", "set", hostLink, "up");
        for (int node = 0; node < nodes; node++) {
            String ns = namespace(node);
            Commands.check("ip", "netns", "add", ns);
            Commands.check("ip", "-n", ns, "link", "set", "lo", "up");
            Commands.check("ip", "-n", sw, "link", "add", "n" + node, "type", "veth", "peer", "name", "eth0",
                    "netns", ns);
            Commands.check("ip", "-n", sw, "link", "set", "n" + node, "master", "br0", "up");
            Commands.check("ip", "-n", ns, "addr", "add", address(node) + "/24", "dev", "eth0");
            Commands.check("ip", "-n", ns, "link", "set", "eth0", "up");
        }
    }

    private void drop(int node, int peer) {
        iptables(node, "-A", "INPUT", "-s", address(peer), "-j", "DROP");
        iptables(node, "-A", "OUTPUT", "-d", address(peer), "-j", "DROP");
    }

    private void iptables(int node, String... arguments) {
        List<String> command = new ArrayList<>(execPrefix(node));
        command.add("iptables");
        command.add("-w");
        command.addAll(List.of(arguments));
        Commands.Result result = Commands.run(command);
        if (!result.succeeded()) {
            throw new IllegalStateException("iptables failed in " + namespace(node) + ": " + result);
        }
    }

    private String runPrefix() {
        return PREFIX + "-" + ProcessHandle.current().pid() + "-" + run;
    }

    private void checkNode(int node) {
        if (node < 0 || node >= nodes) {
            throw new IndexOutOfBoundsException("node " + node + " of " + nodes);
        }
    }

    private void deleteAll() {
        deleteRun(ProcessHandle.current().pid(), run);
    }

    /** Deletes the namespaces of runs whose JVM is gone (a test JVM killed before it could clean up). */
    static void sweepAbandoned() {
        Set<String> dead = new HashSet<>();
        for (String name : namespaceNames()) {
            Matcher m = RUN_NAMESPACE.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                dead.add(m.group(1) + "/" + m.group(2));
            }
        }
        for (String key : dead) {
            String[] parts = key.split("/");
            deleteRun(Long.parseLong(parts[0]), parts[1]);
        }
    }

    private static void deleteRun(long pid, String run) {
        String runPrefix = PREFIX + "-" + pid + "-" + run + "-";
        for (String name : namespaceNames()) {
            if (name.startsWith(runPrefix)) {
                killProcessesIn(name);
                Commands.run(List.of("ip", "netns", "delete", name));
            }
        }
        // The root end of the host veth goes with its peer in the switch namespace; this covers a half-built run.
        Commands.run(List.of("ip", "link", "delete", PREFIX + run));
    }

    private static void killProcessesIn(String namespace) {
        for (String pid : Commands.run(List.of("ip", "netns", "pids", namespace)).output().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static List<String> namespaceNames() {
        List<String> names = new ArrayList<>();
        for (String line : Commands.run(List.of("ip", "netns", "list")).output().split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    private static String freeSubnet() {
        List<long[]> taken = takenPrefixes();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int b = 64 + random.nextInt(191);
            int c = random.nextInt(256);
            long candidate = (10L << 24) | ((long) b << 16) | ((long) c << 8);
            if (taken.stream().noneMatch(p -> overlaps(p[0], (int) p[1], candidate, 24))) {
                return "10." + b + "." + c;
            }
        }
        throw new IllegalStateException("No free 10.x.y.0/24 found in 100 attempts; taken: " + taken.size());
    }

    private static List<long[]> takenPrefixes() {
        List<long[]> taken = new ArrayList<>();
        String text = Commands.check("ip", "-4", "-o", "addr", "show") + "\n"
                + Commands.check("ip", "-4", "route", "show", "table", "all");
        for (String line : text.split("\n")) {
            Matcher m = PREFIX_TOKEN.matcher(line);
            while (m.find()) {
                taken.add(new long[] {ipv4(m.group(1)), m.group(2) == null ? 32 : Integer.parseInt(m.group(2))});
            }
        }
        return taken;
    }

    private static boolean overlaps(long a, int aLength, long b, int bLength) {
        int length = Math.min(aLength, bLength);
        if (length == 0) {
            // A default route covers everything; it does not make an address taken.
            return false;
        }
        long mask = (0xFFFFFFFFL << (32 - length)) & 0xFFFFFFFFL;
        return (a & mask) == (b & mask);
    }

    private static long ipv4(String dotted) {
        long value = 0;
        for (String part : dotted.split("\\.")) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }
}
