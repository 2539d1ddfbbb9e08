package fitmon.replication.bftsmart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import bftsmart.clientsmanagement.ClientsManager;
import bftsmart.reconfiguration.ServerViewController;
import bftsmart.reconfiguration.views.MemoryBasedViewStorage;
import bftsmart.tom.core.messages.TOMMessage;
import bftsmart.tom.core.messages.TOMMessageType;
import fitmon.replication.ReplicationSettings;
import fitmon.testkit.FreePorts;
import org.junit.jupiter.api.Test;

/**
 * A replica that fetched the group's state never executes the requests that state contains, so
 * the library keeps them pending (and times them out, over and over) unless they are swept.
 */
class StalePendingRequestsTest {

    private static TOMMessage request(int sequence) {
        TOMMessage m = new TOMMessage(2400, 7, sequence, sequence, new byte[16], 0, TOMMessageType.ORDERED_REQUEST);
        m.signed = false;
        return m;
    }

    @Test
    void requestsAtOrBelowTheLastExecutedOfTheirClientAreDroppedTheOthersStay() {
        ReplicationSettings settings = ReplicationSettings.of(ReplicationSettings.parsePeers(
                FreePorts.pairs(4).stream().map(p -> "127.0.0.1:" + p).toList()), 1).withOrderingTimeout(Duration.ofSeconds(1));
        ServerViewController controller = new ServerViewController(TomConfigurations.forProcess(0, settings),
                new MemoryBasedViewStorage());
        ClientsManager clients = new ClientsManager(controller, null, request -> true);
        for (int sequence = 0; sequence < 6; sequence++) {
            assertThat(clients.requestReceived(request(sequence), true)).isTrue();
        }
        // Requests 0-3 were ordered in instances this replica received as state; it executes 3
        // itself when the group goes on, which is all the library learns.
        clients.requestsOrdered(new TOMMessage[] {request(3)});
        assertThat(clients.getClientData(2400).getPendingRequests()).extracting(TOMMessage::getSequence)
                .containsExactly(0, 1, 2, 4, 5);

        StalePendingRequests stale = new StalePendingRequests();
        stale.sweep(clients, null);

        assertThat(clients.getClientData(2400).getPendingRequests()).extracting(TOMMessage::getSequence)
                .containsExactly(4, 5);
        assertThat(stale.dropped()).isEqualTo(3);
    }
}
