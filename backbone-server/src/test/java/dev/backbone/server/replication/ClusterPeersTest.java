package dev.backbone.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClusterPeersTest {

    @Test
    void parsesEntriesAndSortsThemById() {
        ClusterPeers peers = ClusterPeers.parse(" b1=10.0.0.2:9871:8081 , b0=host-0.svc:9870:8080");

        assertThat(peers.all()).containsExactly(new ClusterPeer("b0", "host-0.svc", 9870, 8080),
                new ClusterPeer("b1", "10.0.0.2", 9871, 8081));
        assertThat(peers.require("b1").raftAddress()).isEqualTo("10.0.0.2:9871");
        assertThat(peers.require("b0").httpUrl()).hasToString("http://host-0.svc:8080");
    }

    @Test
    void acceptsBracketedIpv6Hosts() {
        ClusterPeer peer = ClusterPeers.parse("b0=[::1]:9870:8080").require("b0");

        assertThat(peer.host()).isEqualTo("::1");
        assertThat(peer.httpUrl()).hasToString("http://[::1]:8080");
    }

    @Test
    void refusesMalformedLists() {
        assertThatThrownBy(() -> ClusterPeers.parse("")).isInstanceOf(InvalidPeersException.class);
        assertThatThrownBy(() -> ClusterPeers.parse("b0=h:9870")).hasMessageContaining("<id>=<host>");
        assertThatThrownBy(() -> ClusterPeers.parse("b0=h:x:8080")).hasMessageContaining("'x', not a number");
        assertThatThrownBy(() -> ClusterPeers.parse("B0=h:1:2")).hasMessageContaining("[a-z0-9-]+");
        assertThatThrownBy(() -> ClusterPeers.parse("b0=h:1:2,b0=g:3:4")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> ClusterPeers.parse("b0=h:0:2")).hasMessageContaining("Raft port 0");
    }

    @Test
    void requireNamesTheKnownIds() {
        assertThatThrownBy(() -> ClusterPeers.parse("b0=h:1:2").require("b9"))
                .hasMessageContaining("'b9'").hasMessageContaining("[b0]");
    }
}
