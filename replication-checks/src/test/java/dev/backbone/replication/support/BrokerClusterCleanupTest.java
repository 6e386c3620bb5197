package dev.backbone.replication.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backbone.checks.support.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Nothing outlives a cluster: closing stops every broker, deletes the data and the network namespaces, keeps the
 * logs; and a later run deletes the namespaces of a JVM that died before it could close.
 */
class BrokerClusterCleanupTest {

    @Test
    void closingStopsEveryBrokerDeletesDataAndNamespacesButKeepsTheLogs() throws Exception {
        boolean namespaces = NetworkNamespaces.available();
        BrokerCluster cluster = BrokerCluster.builder("cleanup").size(1).network(namespaces
                ? BrokerCluster.Network.NAMESPACES : BrokerCluster.Network.LOOPBACK).start();
        long pid = cluster.node(0).pid();
        Path data = cluster.node(0).dataDirectory().getParent();
        String namespace = namespaces ? cluster.network().namespace(0) : null;
        String hostAddress = namespaces ? cluster.network().hostAddress() + "/" : null;

        cluster.close();

        assertThat(ProcessHandle.of(pid)).isEmpty();
        assertThat(data).doesNotExist();
        try (Stream<Path> logs = Files.list(cluster.logDirectory())) {
            assertThat(logs.map(p -> p.getFileName().toString())).containsExactly("b0-1.log");
        }
        if (namespaces) {
            assertThat(Commands.check("ip", "netns", "list")).doesNotContain(namespace);
            assertThat(Commands.check("ip", "-4", "-o", "addr", "show")).doesNotContain(hostAddress);
        }
    }

    @Test
    void aLaterRunDeletesTheNamespacesADeadJvmLeftBehind() throws Exception {
        assumeTrue(NetworkNamespaces.available(), "network namespaces need root, ip and iptables");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String abandoned = "bbrc-" + gone.pid() + "-abcdef-n0";
        Commands.check("ip", "netns", "add", abandoned);

        NetworkNamespaces.sweepAbandoned();

        assertThat(Commands.check("ip", "netns", "list")).doesNotContain(abandoned);
    }
}
