package fitmon.broker.replication;

import fitmon.replication.bftsmart.BftSmartReplica;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the ordering library holds in this replica's memory, so an operator sees a replica filling
 * up before it runs out (docs/operations.md, "Replica memory"): requests waiting to be ordered,
 * bytes queued for each peer, peer messages waiting to be read, and the leader-change stores with
 * their bounds; and what the replica is doing about a group that went on without it.
 */
final class ReplicaGauges {

    private ReplicaGauges() {
    }

    static void register(MeterRegistry registry, BftSmartReplica replica, int peers) {
        Gauge.builder("fitmon.replica.pending.requests", replica, BftSmartReplica::pendingRequests)
                .description("client requests received and not yet ordered").register(registry);
        Gauge.builder("fitmon.replica.inbound.queued", replica, BftSmartReplica::inboundQueued)
                .description("peer messages received and waiting to be processed").register(registry);
        FunctionCounter.builder("fitmon.replica.self.messages.dropped", replica, BftSmartReplica::selfMessagesDropped)
                .description("messages to itself dropped because the receive queue was full (instead of a deadlock)")
                .register(registry);
        FunctionCounter.builder("fitmon.replica.stale.requests.dropped", replica, BftSmartReplica::stalePendingDropped)
                .description("pending requests dropped because the group had ordered them (after a state transfer)")
                .register(registry);
        FunctionCounter.builder("fitmon.replica.empty.batches", replica, BftSmartReplica::emptyBatchesDecided)
                .description("instances that decided an empty batch (leader changes), logged as no-ops").register(registry);
        for (int peer = 0; peer < peers; peer++) {
            if (peer == replica.replicaId()) {
                continue;
            }
            int id = peer;
            Gauge.builder("fitmon.replica.peer.queued", replica, r -> r.queuedBytesByPeer().getOrDefault(id, 0L))
                    .tag("peer", Integer.toString(id)).baseUnit("bytes")
                    .description("bytes queued to be sent to a peer (the queue drops messages when full)")
                    .register(registry);
        }
        Gauge.builder("fitmon.replica.peer.queued.limit", replica, BftSmartReplica::peerSendLimitBytes)
                .baseUnit("bytes").description("bound on the bytes queued for one peer").register(registry);
        FunctionCounter.builder("fitmon.replica.peer.dropped", replica, BftSmartReplica::peerSendDropped)
                .description("messages to peers dropped because the peer's send queue was full").register(registry);
        Gauge.builder("fitmon.replica.ordering.timeout", replica, BftSmartReplica::currentOrderingTimeoutSeconds)
                .baseUnit("seconds")
                .description("how long a request may wait before this replica asks for a leader change; grows with "
                        + "leader changes that ordered nothing").register(registry);
        Gauge.builder("fitmon.replica.leader.change.relayed", replica, BftSmartReplica::leaderChangeRelayedBytes)
                .baseUnit("bytes").description("client requests held from peers' leader-change messages")
                .register(registry);
        Gauge.builder("fitmon.replica.leader.change.relayed.limit", replica, BftSmartReplica::leaderChangeRelayLimitBytes)
                .baseUnit("bytes").description("bound on the relayed requests held").register(registry);
        FunctionCounter.builder("fitmon.replica.leader.change.relayed.dropped", replica, BftSmartReplica::leaderChangeRelayDropped)
                .description("relayed requests refused at the bound").register(registry);
        FunctionCounter.builder("fitmon.replica.leader.change.relayed.repeated", replica,
                        BftSmartReplica::leaderChangeRelayDuplicates)
                .description("relayed requests already held (a re-sent STOP)").register(registry);
        Gauge.builder("fitmon.replica.leader.change.messages.held", replica, BftSmartReplica::leaderChangeMessagesHeld)
                .description("leader-change messages held for regencies not reached yet").register(registry);
        FunctionCounter.builder("fitmon.replica.leader.change.messages.dropped", replica,
                        BftSmartReplica::leaderChangeMessagesDropped)
                .description("leader-change messages dropped as stale, repeated or too far ahead").register(registry);
        Gauge.builder("fitmon.replica.regency", replica, BftSmartReplica::regency)
                .description("leader-change round this replica has installed").register(registry);
        FunctionCounter.builder("fitmon.replica.catch.ups", replica, BftSmartReplica::catchUps)
                .description("state transfers started because the group went on without this replica").register(registry);
        FunctionCounter.builder("fitmon.replica.state.retries", replica, BftSmartReplica::stateRetries)
                .description("state transfers asked again because they took too long").register(registry);
    }
}
