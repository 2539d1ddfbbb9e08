package fitmon.broker.cluster;

import fitmon.testkit.BrokerCluster;
import fitmon.testkit.FreePorts;
import fitmon.testkit.ServiceProcess;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandSigner;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.Subscribe;
import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.pki.CertificateAuthority;
import fitmon.replication.OrderingClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Four broker-service processes (n=4, f=1) ordering real signed events through BFT-SMaRt: they
 * agree on state and logs, refuse forgeries everywhere, keep ordering with one replica killed, and
 * a replica restarted with empty state catches up by state transfer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FourReplicaClusterIT {

    private static final String BFT = "it.bft";
    private static final String CFT_O = "it.cft-o";
    private static final String CFT_NO_U = "it.cft-no-u";
    private static final String CFT_NO_NU = "it.cft-no-nu";
    private static final Duration AGREEMENT = Duration.ofSeconds(90);

    private CertificateAuthority ca;
    private BrokerCluster cluster;
    private OrderingClient client;
    private final List<TestProbe> bftProbes = new ArrayList<>();
    private TestProbe cftProbe;
    private TestProbe urgentProbe;
    private TestProbe nonUrgentProbe;
    private int bftAccepted;
    private int cftAccepted;

    @BeforeAll
    void startCluster() throws Exception {
        ca = CertificateAuthority.generate("fitmon-it-ca");
        cluster = new BrokerCluster(1, ca.publicKey().getEncoded(), Path.of("target", "cluster-it-logs"));
        cluster.startAll();
        // The library's constructor returns once every replica of the group has connected.
        BrokerCluster.await("every replica to report READY", AGREEMENT, () -> cluster.readyCount() == cluster.n());
        // connected is not ready: readiness waits until the group has ordered something
        for (int r = 0; r < cluster.n(); r++) {
            HttpResponse<String> readiness = cluster.raw(r, "/actuator/health/readiness");
            assertThat(readiness.statusCode()).as("replica " + r).isEqualTo(503);
            assertThat(readiness.body()).contains("the group to order a command");
        }
        client = ClusterClient.connect(cluster, ca);
        CommandResult created = order(new CreateChannel(BFT, ChannelClass.BFT, 0, 10, 10,
                new ChannelRetention(100_000, 256L * 1024 * 1024)));
        assertThat(created).isInstanceOf(CommandResult.Accepted.class);
        for (int r = 0; r < cluster.n(); r++) {
            int replica = r;
            BrokerCluster.await("replica " + r + " ready once the group ordered", AGREEMENT,
                    () -> readinessStatus(replica) == 200);
        }
    }

    private int readinessStatus(int replica) {
        try {
            return cluster.raw(replica, "/actuator/health/readiness").statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @AfterAll
    void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void channelsOfEveryClassAndRegistrations() throws Exception {
        assertThat(order(CreateChannel.withDefaults(CFT_O, ChannelClass.CFT_O))).isInstanceOf(CommandResult.Accepted.class);
        assertThat(order(CreateChannel.withDefaults(CFT_NO_U, ChannelClass.CFT_NO_U))).isInstanceOf(CommandResult.Accepted.class);
        assertThat(order(CreateChannel.withDefaults(CFT_NO_NU, ChannelClass.CFT_NO_NU))).isInstanceOf(CommandResult.Accepted.class);
        assertThat(order(CreateChannel.withDefaults(BFT, ChannelClass.BFT)))
                .isEqualTo(new CommandResult.Rejected(RejectReason.CHANNEL_EXISTS, "channel " + BFT + " already exists"));

        SignatureAlgorithm[] algorithms = {SignatureAlgorithm.ED25519, SignatureAlgorithm.ES256, SignatureAlgorithm.RS256};
        for (int i = 0; i < 3; i++) {
            TestProbe probe = new TestProbe("probe-" + i, algorithms[i], ca);
            bftProbes.add(probe);
            assertThat(order(new RegisterProbe(BFT, probe.certificate))).isInstanceOf(CommandResult.Accepted.class);
        }
        cftProbe = new TestProbe("cft-probe", SignatureAlgorithm.ED25519, ca);
        urgentProbe = new TestProbe("urgent-probe", SignatureAlgorithm.ED25519, ca);
        nonUrgentProbe = new TestProbe("bulk-probe", SignatureAlgorithm.ES256, ca);
        assertThat(order(new RegisterProbe(CFT_O, cftProbe.certificate))).isInstanceOf(CommandResult.Accepted.class);
        assertThat(order(new RegisterProbe(CFT_NO_U, urgentProbe.certificate))).isInstanceOf(CommandResult.Accepted.class);
        assertThat(order(new RegisterProbe(CFT_NO_NU, nonUrgentProbe.certificate))).isInstanceOf(CommandResult.Accepted.class);
        assertThat(order(new Subscribe(BFT, "console-1"))).isInstanceOf(CommandResult.Accepted.class);

        // f+1 replies complete a command; the slowest replicas may apply it a moment later.
        for (int r = 0; r < cluster.n(); r++) {
            final int replica = r;
            BrokerCluster.await("replica " + r + " to show the registrations", AGREEMENT, () -> {
                JsonNode bft = cluster.get(replica, "/api/v1/channels/" + BFT);
                return bft != null && bft.get("probes").size() == 3 && bft.get("subscribers").size() == 1;
            });
            JsonNode bft = cluster.get(r, "/api/v1/channels/" + BFT);
            assertThat(bft.get("class").asString()).isEqualTo("BFT");
            assertThat(bft.get("probes").toString()).contains("probe-0", "probe-1", "probe-2");
            assertThat(bft.get("subscribers").toString()).contains("console-1");
            assertThat(cluster.get(r, "/api/v1/channels").size()).isEqualTo(4);
            assertThat(cluster.raw(r, "/api/v1/channels/no.such.channel").statusCode()).isEqualTo(404);
            assertThat(cluster.raw(r, "/api/v1/channels/no.such.channel").headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(cluster.raw(r, "/api/v1/channels/" + BFT + "/events?limit=0").statusCode()).isEqualTo(400);
        }
    }

    @Test
    @Order(2)
    void thousandsOfSignedEventsGiveTheSameStateAndLogsEverywhere() throws Exception {
        // 3 BFT probes x 40 batches of 20 = 2400 signed events, plus 600 on CFT_O (singles and batches)
        for (int round = 0; round < 40; round++) {
            for (TestProbe probe : bftProbes) {
                bftAccepted += appended(publish(BFT, probe, 20, true));
            }
        }
        for (int i = 0; i < 100; i++) {
            cftAccepted += appended(publish(CFT_O, cftProbe, 1, i % 2 == 0));
        }
        for (int i = 0; i < 25; i++) {
            cftAccepted += appended(publish(CFT_O, cftProbe, 20, false));
        }
        assertThat(bftAccepted).isEqualTo(2400);
        assertThat(cftAccepted).isEqualTo(600);

        // Unordered classes: each replica accepts on arrival.
        for (int i = 0; i < 20; i++) {
            assertThat(unordered(CFT_NO_U, urgentProbe, 10)).allMatch(o -> o instanceof EventOutcome.Queued);
            assertThat(unordered(CFT_NO_NU, nonUrgentProbe, 10)).allMatch(o -> o instanceof EventOutcome.Queued);
        }

        cluster.awaitSameDigest(List.of(0, 1, 2, 3), AGREEMENT);
        List<String> reference = cluster.log(0, BFT);
        assertThat(reference).hasSize(2400);
        for (int r = 1; r < cluster.n(); r++) {
            assertThat(cluster.log(r, BFT)).as("BFT log of replica %d", r).isEqualTo(reference);
            assertThat(cluster.log(r, CFT_O)).as("CFT_O log of replica %d", r).isEqualTo(cluster.log(0, CFT_O));
        }
        // Unordered events bypass consensus; the client sends them to every live replica and
        // needs f+1 replies, so at least n-f replicas must end up holding all of them.
        BrokerCluster.await("unordered events on at least " + (cluster.n() - cluster.f()) + " replicas", AGREEMENT,
                () -> replicasHolding(CFT_NO_U, 200) >= cluster.n() - cluster.f()
                        && replicasHolding(CFT_NO_NU, 200) >= cluster.n() - cluster.f());
    }

    private int replicasHolding(String tag, int events) {
        int count = 0;
        for (int r = 0; r < cluster.n(); r++) {
            if (cluster.log(r, tag).size() == events) {
                count++;
            }
        }
        return count;
    }

    @Test
    @Order(3)
    void commandsNotSignedByACertifiedGatewayAreRefusedEverywhere() throws Exception {
        CreateChannel intruderChannel = CreateChannel.withDefaults("it.intruder", ChannelClass.BFT);
        byte[] bare = CommandCodec.encode(intruderChannel);
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        Instant now = Instant.now();
        byte[] probeCertificate = ca.issueProbeCertificate("posing-gateway", keys.getPublic(), now.minusSeconds(3600),
                now.plusSeconds(3600)).getEncoded();
        byte[] rogueGateway = CertificateAuthority.generate("rogue").issueGatewayCertificate("gw", keys.getPublic(),
                now.minusSeconds(3600), now.plusSeconds(3600)).getEncoded();
        byte[] goodGateway = ca.issueGatewayCertificate("gw-replay", keys.getPublic(), now.minusSeconds(3600),
                now.plusSeconds(3600)).getEncoded();
        byte[] signedOnce = new CommandSigner(goodGateway, keys.getPrivate())
                .sign(CreateChannel.withDefaults("it.replayed", ChannelClass.CFT_O));
        byte[] otherKey = new CommandSigner(goodGateway, MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPrivate())
                .sign(bare);

        try (OrderingClient intruder = ClusterClient.connectUnsigned(cluster, 2100, true)) {
            // f+1 replicas must agree on each refusal, so every reply below is what correct replicas decided
            assertThat(rawOrder(intruder, bare)).extracting(r -> ((CommandResult.Rejected) r).reason())
                    .isEqualTo(RejectReason.COMMAND_UNAUTHENTICATED);
            assertThat(rawOrder(intruder, new CommandSigner(probeCertificate, keys.getPrivate()).sign(bare)))
                    .extracting(r -> ((CommandResult.Rejected) r).reason()).isEqualTo(RejectReason.COMMAND_UNAUTHENTICATED);
            assertThat(rawOrder(intruder, new CommandSigner(rogueGateway, keys.getPrivate()).sign(bare)))
                    .extracting(r -> ((CommandResult.Rejected) r).reason()).isEqualTo(RejectReason.COMMAND_UNAUTHENTICATED);
            assertThat(rawOrder(intruder, otherKey))
                    .extracting(r -> ((CommandResult.Rejected) r).reason()).isEqualTo(RejectReason.COMMAND_UNAUTHENTICATED);
            // a genuine signed command is accepted once; the same bytes replayed are refused
            assertThat(rawOrder(intruder, signedOnce)).isInstanceOf(CommandResult.Accepted.class);
            assertThat(rawOrder(intruder, signedOnce)).extracting(r -> ((CommandResult.Rejected) r).reason())
                    .isEqualTo(RejectReason.COMMAND_REPLAYED);
        }
        cluster.awaitSameDigest(List.of(0, 1, 2, 3), AGREEMENT);
        for (int r = 0; r < cluster.n(); r++) {
            assertThat(cluster.raw(r, "/api/v1/channels/it.intruder").statusCode()).isEqualTo(404);
            assertThat(cluster.get(r, "/api/v1/channels/it.replayed")).isNotNull();
        }
    }

    private static CommandResult rawOrder(OrderingClient client, byte[] bytes) throws Exception {
        return ResultCodec.decode(client.submitOrdered(bytes).get(60, TimeUnit.SECONDS));
    }

    @Test
    @Order(4)
    void forgedEventsAreRefusedEverywhereAndLoggedNowhere() throws Exception {
        TestProbe victim = bftProbes.get(0);
        Event genuine = victim.next(BFT);
        // 1. bad signature: data altered after signing
        ObjectNode altered = ((ObjectNode) genuine.data()).deepCopy();
        altered.put("load1", 99.9);
        Event tampered = new Event(genuine.probeId(), genuine.tag(), genuine.seq(), genuine.ts(), altered, genuine.sig());
        // 2. unknown probe: certified by the right CA, never registered to the channel
        TestProbe stranger = new TestProbe("stranger", SignatureAlgorithm.ED25519, ca);
        Event unknown = stranger.next(BFT);
        // 3. a probe impersonating another: signed with its own key, claiming the victim's id
        TestProbe impostor = new TestProbe(victim.probeId, SignatureAlgorithm.ED25519, CertificateAuthority.generate("rogue"));
        Event impersonated = impostor.next(BFT);
        assertThat(order(new RegisterProbe(BFT, impostor.certificate)))
                .isInstanceOfSatisfying(CommandResult.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(RejectReason.CERTIFICATE_UNTRUSTED));

        List<EventOutcome> outcomes = outcomes(order(new Publish(BFT, List.of(
                EventJson.toBytes(tampered), EventJson.toBytes(unknown), EventJson.toBytes(impersonated)))));
        assertThat(outcomes).extracting(o -> ((EventOutcome.Refused) o).reason())
                .containsExactly(RejectReason.SIGNATURE_INVALID, RejectReason.PROBE_NOT_REGISTERED,
                        RejectReason.SIGNATURE_INVALID);

        // 4. replay of an accepted event, and the genuine one accepted exactly once
        List<EventOutcome> genuineOutcome = outcomes(order(new Publish(BFT, List.of(EventJson.toBytes(genuine)))));
        assertThat(genuineOutcome.get(0)).isInstanceOf(EventOutcome.Appended.class);
        bftAccepted++;
        List<EventOutcome> replay = outcomes(order(new Publish(BFT, List.of(EventJson.toBytes(genuine)))));
        assertThat(((EventOutcome.Refused) replay.get(0)).reason()).isEqualTo(RejectReason.SEQ_NOT_INCREASING);
        // 5. unsigned on a BFT channel
        List<EventOutcome> unsigned = outcomes(order(new Publish(BFT, List.of(EventJson.toBytes(victim.nextUnsigned(BFT))))));
        assertThat(((EventOutcome.Refused) unsigned.get(0)).reason()).isEqualTo(RejectReason.SIGNATURE_REQUIRED);

        cluster.awaitSameDigest(List.of(0, 1, 2, 3), AGREEMENT);
        for (int r = 0; r < cluster.n(); r++) {
            List<String> log = cluster.log(r, BFT);
            assertThat(log).hasSize(bftAccepted);
            assertThat(log).noneMatch(line -> line.contains("\"load1\":99.9"));
            assertThat(log).noneMatch(line -> line.contains("\"probeId\":\"stranger\""));
            assertThat(log.stream().filter(line -> line.contains("\"probeId\":\"" + victim.probeId + "\"")
                    && line.contains("\"seq\":" + genuine.seq() + ",")).count()).isEqualTo(1);
        }
        // Every replica counted the refusals by reason.
        for (int r = 0; r < cluster.n(); r++) {
            String metrics = cluster.raw(r, "/actuator/prometheus").body();
            for (String reason : List.of("SIGNATURE_INVALID", "PROBE_NOT_REGISTERED", "SEQ_NOT_INCREASING",
                    "SIGNATURE_REQUIRED", "CERTIFICATE_UNTRUSTED")) {
                assertThat(metrics).as("replica %d metrics", r).containsPattern("fitmon_rejects_total\\{reason=\"" + reason + "\"[^}]*} [1-9]");
            }
        }
    }

    @Test
    @Order(5)
    void orderingGoesOnWithOneReplicaKilled() throws Exception {
        cluster.replica(3).kill();
        assertThat(cluster.replica(3).alive()).isFalse();
        for (int round = 0; round < 10; round++) {
            for (TestProbe probe : bftProbes) {
                bftAccepted += appended(publish(BFT, probe, 20, true));
            }
        }
        cluster.awaitSameDigest(List.of(0, 1, 2), AGREEMENT);
        assertThat(cluster.log(0, BFT)).hasSize(bftAccepted);
    }

    @Test
    @Order(6)
    void aReplicaRestartedWithEmptyStateCatchesUp() throws Exception {
        cluster.replica(3).start();
        BrokerCluster.await("replica 3 to answer again", AGREEMENT, () -> cluster.replicaStatus(3) != null);
        // Traffic after the restart lets the replica notice it is behind and ask for state.
        for (int round = 0; round < 5; round++) {
            for (TestProbe probe : bftProbes) {
                bftAccepted += appended(publish(BFT, probe, 20, true));
            }
            Thread.sleep(200);
        }
        cluster.awaitSameDigest(List.of(0, 1, 2, 3), AGREEMENT);
        assertThat(cluster.log(3, BFT)).hasSize(bftAccepted).isEqualTo(cluster.log(0, BFT));
    }

    @Test
    @Order(7)
    void orderingGoesOnWhenTheLeaderIsKilled() throws Exception {
        // Replica 0 leads the first regency; killing it forces a leader change.
        cluster.replica(0).kill();
        long started = System.nanoTime();
        for (int round = 0; round < 5; round++) {
            for (TestProbe probe : bftProbes) {
                bftAccepted += appended(publish(BFT, probe, 20, true));
            }
        }
        System.out.printf("300 events ordered across a leader change in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        cluster.awaitSameDigest(List.of(1, 2, 3), AGREEMENT);
        assertThat(cluster.log(1, BFT)).hasSize(bftAccepted).isEqualTo(cluster.log(3, BFT));
    }

    // ------------------------------------------------------------------ helpers

    private CommandResult order(BrokerCommand command) throws Exception {
        return ResultCodec.decode(client.submitOrdered(CommandCodec.encode(command)).get(60, TimeUnit.SECONDS));
    }

    private List<EventOutcome> publish(String tag, TestProbe probe, int events, boolean signed) throws Exception {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            batch.add(EventJson.toBytes(signed ? probe.next(tag) : probe.nextUnsigned(tag)));
        }
        return outcomes(order(new Publish(tag, batch)));
    }

    private List<EventOutcome> unordered(String tag, TestProbe probe, int events) throws Exception {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            batch.add(probe.nextBytes(tag));
        }
        return outcomes(ResultCodec.decode(client.submitUnordered(CommandCodec.encode(new Publish(tag, batch)))
                .get(60, TimeUnit.SECONDS)));
    }

    private static List<EventOutcome> outcomes(CommandResult result) {
        assertThat(result).isInstanceOf(CommandResult.Published.class);
        return ((CommandResult.Published) result).outcomes();
    }

    private static int appended(List<EventOutcome> outcomes) {
        assertThat(outcomes).allMatch(o -> o instanceof EventOutcome.Appended, "every event appended");
        return outcomes.size();
    }


}
