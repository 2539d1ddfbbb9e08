package fitmon.broker.state;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CertificateKind;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandSigner;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RevokeCertificate;
import fitmon.core.command.Subscribe;
import fitmon.core.command.Tick;
import fitmon.core.command.Touch;
import fitmon.core.command.Unsubscribe;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.Event;
import fitmon.core.event.EventJson;
import fitmon.core.pki.CertificateAuthority;
import fitmon.core.wire.WireWriter;

/**
 * A seeded random stream of encoded commands, valid and invalid, over every command and channel
 * class, with consensus timestamps that mostly creep forward, sometimes jump past idle timeouts and
 * sometimes go backwards. While generating, every step is applied to a model state machine so the
 * generator can aim at existing channels and registered keys (keeping most commands interesting)
 * and so the stream comes with the model's replies, digests and listener output.
 */
final class RandomCommandStream {

    /** Limits small enough that the stream runs into all of them. */
    static final StateMachineConfig CONFIG = new StateMachineConfig(TestKeys.CA.publicKey(), 1536, 6, 8, 200, 64 * 1024)
            .withSignedCommands(true).withMaxRevokedCertificates(4);

    record Step(boolean ordered, byte[] command, long consensusMillis) {
    }

    /** The generated stream and what the model did with it. */
    record Generated(List<Step> steps, List<byte[]> replies, List<Integer> linesAfterStep, List<String> listenerLines,
                     Map<Integer, byte[]> digestAfterStep, byte[] finalDigest, long appliedCommands,
                     long consensusTimeMillis) {
    }

    private static final String[] TAGS = {"ch-0", "ch-1", "ch-2", "ch-3", "ch-4", "ch-5", "ch-6", "ch-7", "ch-8", "ch-9",
            "ch-10", "ch-11", "ch-12", "ch-13"};
    private static final String[] SUBSCRIBERS = {"con-0", "con-1", "con-2", "con-3", "con-4"};
    private static final long[] IDLE_TIMEOUTS = {0, 0, 30, 60, 120, 300};
    private static final ChannelClass[] CLASSES = ChannelClass.values();

    // ------------------------------------------------------------------ key material, shared by every seed

    /** Short-lived certificates of each pool probe expire every few minutes of consensus time. */
    private static final int SHORT_LIVED = 80;
    private static final Duration SHORT_LIVED_STEP = Duration.ofMinutes(3);

    /** One pool probe: two keys (for rotation) and its certificates. */
    private static final class PoolProbe {
        final SigningProbe keyA;
        final SigningProbe keyB;
        final byte[] validA;
        final byte[] validB;
        private final Map<Integer, byte[]> shortLived = new ConcurrentHashMap<>();
        final byte[] notYetValid;
        final byte[] rogue;

        PoolProbe(String id, SignatureAlgorithm alg) {
            keyA = new SigningProbe(id, alg, "det-" + id + "-a");
            keyB = new SigningProbe(id, alg, "det-" + id + "-b");
            validA = keyA.certificate();
            validB = keyB.certificate();
            notYetValid = keyA.certificate(TestKeys.T0.plus(Duration.ofDays(400)), TestKeys.T0.plus(Duration.ofDays(800)));
            rogue = keyA.certificate(TestKeys.ROGUE_CA, TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
        }

        /** Key A's certificate that expires {@code (index + 1) * SHORT_LIVED_STEP} after T0 (issued on first use). */
        byte[] shortLived(int index) {
            return shortLived.computeIfAbsent(index, i -> keyA.certificate(TestKeys.VALID_FROM,
                    TestKeys.T0.plus(SHORT_LIVED_STEP.multipliedBy(i + 1))));
        }
    }

    private static final class Material {
        final List<PoolProbe> pool = new ArrayList<>();
        final List<SigningProbe> ghosts = new ArrayList<>();
        final Map<String, SigningProbe> bySpki = new HashMap<>();
        final byte[] badCommonName;
        final byte[] unsupportedKey;

        Material() {
            for (int i = 0; i < 4; i++) {
                pool.add(new PoolProbe("p-ed-" + i, SignatureAlgorithm.ED25519));
            }
            pool.add(new PoolProbe("p-ec", SignatureAlgorithm.ES256));
            pool.add(new PoolProbe("p-rsa", SignatureAlgorithm.RS256));
            for (PoolProbe p : pool) {
                bySpki.put(spki(p.keyA), p.keyA);
                bySpki.put(spki(p.keyB), p.keyB);
            }
            for (int i = 0; i < 2; i++) {
                ghosts.add(SigningProbe.ed25519("ghost-" + i));
            }
            badCommonName = TestKeys.certificate(TestKeys.CA, "not a probe id", pool.get(0).keyA.keys.getPublic(),
                    TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
            unsupportedKey = TestKeys.certificate(TestKeys.CA, "p-p384", TestKeys.p384KeyPair().getPublic(),
                    TestKeys.VALID_FROM, TestKeys.VALID_UNTIL);
        }

        private static String spki(SigningProbe probe) {
            return Base64.getEncoder().encodeToString(probe.keys.getPublic().getEncoded());
        }
    }

    private static Material material;
    private static final Map<String, Event> SIGNED = new ConcurrentHashMap<>();

    private static synchronized Material material() {
        if (material == null) {
            material = new Material();
        }
        return material;
    }

    // ------------------------------------------------------------------ generation

    private final Random rnd;
    private final Material keys = material();
    private final BrokerStateMachine model = new BrokerStateMachine(CONFIG);
    private final RecordingListener modelListener = new RecordingListener();
    private final Map<String, Long> seqs = new HashMap<>();
    private final Map<String, List<byte[]>> recent = new HashMap<>();
    private long now = TestKeys.T0_MS;
    private final CommandSigner gatewayA = gateway(TestKeys.CA, "gw-a");
    private final CommandSigner gatewayB = gateway(TestKeys.CA, "gw-b");
    private final CommandSigner rogueGateway = gateway(TestKeys.ROGUE_CA, "gw-a");
    /** Seals a few commands; its certificate is revoked now and then, and its commands refused from then on. */
    private final byte[] gatewayCCertificate = gatewayCertificate(TestKeys.CA, "gw-c");
    private final CommandSigner gatewayC = new CommandSigner(gatewayCCertificate,
            TestKeys.keyPair("gw-c@" + TestKeys.CA.hashCode(), SignatureAlgorithm.ED25519).getPrivate());
    private final List<byte[]> sealed = new ArrayList<>();

    private RandomCommandStream(long seed) {
        this.rnd = new Random(seed);
        model.setListener(modelListener);
    }

    static Generated generate(long seed, int commands, int checkpointEvery) {
        return new RandomCommandStream(seed).run(commands, checkpointEvery);
    }

    private Generated run(int commands, int checkpointEvery) {
        List<Step> steps = new ArrayList<>(commands);
        List<byte[]> replies = new ArrayList<>(commands);
        List<Integer> linesAfter = new ArrayList<>(commands);
        Map<Integer, byte[]> digests = new HashMap<>();
        for (int i = 0; i < commands; i++) {
            Step step = next();
            steps.add(step);
            replies.add(step.ordered() ? model.applyOrdered(step.command(), step.consensusMillis())
                    : model.applyUnordered(step.command()));
            linesAfter.add(modelListener.lines.size());
            if ((i + 1) % checkpointEvery == 0) {
                digests.put(i, model.digest());
            }
        }
        return new Generated(steps, replies, linesAfter, List.copyOf(modelListener.lines), digests, model.digest(),
                model.appliedCommands(), model.consensusTimeMillis());
    }

    private static CommandSigner gateway(CertificateAuthority ca, String name) {
        KeyPair keys = TestKeys.keyPair(name + "@" + ca.hashCode(), SignatureAlgorithm.ED25519);
        return new CommandSigner(gatewayCertificate(ca, name), keys.getPrivate());
    }

    private static byte[] gatewayCertificate(CertificateAuthority ca, String name) {
        KeyPair keys = TestKeys.keyPair(name + "@" + ca.hashCode(), SignatureAlgorithm.ED25519);
        try {
            return ca.issueGatewayCertificate(name, keys.getPublic(), TestKeys.VALID_FROM, TestKeys.VALID_UNTIL).getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As a gateway submits it, mostly; sometimes bare, from a rogue gateway, or a replay. */
    private Step seal(Step step) {
        int r = rnd.nextInt(100);
        byte[] bytes;
        if (r < 2) {
            bytes = step.command();
        } else if (r < 3) {
            bytes = rogueGateway.sign(step.command());
        } else if (r < 5 && !sealed.isEmpty()) {
            bytes = sealed.get(rnd.nextInt(sealed.size()));
        } else if (r < 7) {
            bytes = gatewayC.sign(step.command());
        } else {
            bytes = (rnd.nextBoolean() ? gatewayA : gatewayB).sign(step.command());
            sealed.add(bytes);
            if (sealed.size() > 50) {
                sealed.remove(0);
            }
        }
        return new Step(step.ordered(), bytes, step.consensusMillis());
    }

    private Step next() {
        return seal(nextBare());
    }

    private Step nextBare() {
        advanceTime();
        int r = rnd.nextInt(100);
        if (r < 8) {
            return ordered(create());
        } else if (r < 10) {
            return ordered(new DeleteChannel(existingOrAnyTag(0.85)));
        } else if (r < 20) {
            return ordered(register());
        } else if (r < 25) {
            return ordered(new Subscribe(existingOrAnyTag(0.85), subscriber()));
        } else if (r < 28) {
            return ordered(unsubscribe());
        } else if (r < 66) {
            return ordered(publish(true));
        } else if (r < 68) {
            return ordered(revoke());
        } else if (r < 84) {
            return new Step(false, CommandCodec.encode(publish(false)), now);
        } else if (r < 88) {
            return ordered(new Touch(existingOrAnyTag(0.85)));
        } else if (r < 91) {
            return ordered(new Tick());
        } else if (r < 96) {
            return new Step(true, garbageCommand(), now);
        } else {
            // the unordered path, with what does not belong there
            byte[] bytes = rnd.nextBoolean() ? garbageCommand()
                    : CommandCodec.encode(rnd.nextBoolean() ? new Touch(existingOrAnyTag(0.9)) : create());
            return new Step(false, bytes, now);
        }
    }

    private Step ordered(BrokerCommand command) {
        return new Step(true, CommandCodec.encode(command), now);
    }

    private void advanceTime() {
        int r = rnd.nextInt(1000);
        if (r < 10) {
            now += 60_000 + rnd.nextInt(340_000);   // a quiet spell: idle channels expire
        } else if (r < 30) {
            now -= rnd.nextInt(10_000);             // a leader with a slow clock
        } else {
            now += rnd.nextInt(1500);
        }
    }

    // ------------------------------------------------------------------ commands

    private CreateChannel create() {
        String tag = rnd.nextInt(20) == 0 ? pick(new String[] {"bad tag", "", "-dash", "x/y", "é"}) : pick(TAGS);
        ChannelClass channelClass = CLASSES[rnd.nextInt(CLASSES.length)];
        long idle = IDLE_TIMEOUTS[rnd.nextInt(IDLE_TIMEOUTS.length)];
        int maxProbes = 1 + rnd.nextInt(4);
        int maxSubscribers = 1 + rnd.nextInt(3);
        int maxEvents = 1 + rnd.nextInt(60);
        long maxBytes = 1024 + rnd.nextInt(31 * 1024);
        if (rnd.nextInt(10) == 0) {
            switch (rnd.nextInt(7)) {
                case 0 -> idle = -1;
                case 1 -> maxProbes = 0;
                case 2 -> maxSubscribers = 0;
                case 3 -> maxEvents = 0;
                case 4 -> maxEvents = CONFIG.maxRetainedEvents() + 1;
                case 5 -> maxBytes = 1000;
                default -> maxBytes = CONFIG.maxRetainedBytes() + 1;
            }
        }
        return new CreateChannel(tag, channelClass, idle, maxProbes, maxSubscribers, new ChannelRetention(maxEvents, maxBytes));
    }

    private RegisterProbe register() {
        String tag = existingOrAnyTag(0.85);
        PoolProbe probe = poolProbe();
        int r = rnd.nextInt(100);
        byte[] cert;
        if (r < 40) {
            cert = probe.validA;
        } else if (r < 52) {
            cert = probe.validB;                    // rotation, if A was registered
        } else if (r < 70) {
            // mostly one that expires within minutes (its probe's events are refused soon), some just expired
            long index = (now - TestKeys.T0_MS) / SHORT_LIVED_STEP.toMillis() - 1 + rnd.nextInt(4);
            cert = probe.shortLived((int) Math.max(0, Math.min(SHORT_LIVED - 1, index)));
        } else if (r < 75) {
            cert = probe.notYetValid;
        } else if (r < 80) {
            cert = probe.rogue;
        } else if (r < 85) {
            cert = garbageBytes(1 + rnd.nextInt(64));
        } else if (r < 90) {
            cert = keys.badCommonName;
        } else if (r < 95) {
            cert = keys.unsupportedKey;
        } else {
            byte[] valid = probe.validA;
            cert = java.util.Arrays.copyOf(valid, valid.length - 1 - rnd.nextInt(20));
        }
        return new RegisterProbe(tag, cert);
    }

    /**
     * Mostly short-lived certificates near their expiry (so entries are pruned, and the bound of 4
     * is reached now and then), sometimes unknown serials, rarely gateway C's certificate.
     */
    private RevokeCertificate revoke() {
        int r = rnd.nextInt(20);
        if (r < 13) {
            long index = (now - TestKeys.T0_MS) / SHORT_LIVED_STEP.toMillis() - 1 + rnd.nextInt(4);
            int i = (int) Math.max(0, Math.min(SHORT_LIVED - 1, index));
            return new RevokeCertificate(RevocationTest.serialOf(poolProbe().shortLived(i)), CertificateKind.PROBE,
                    TestKeys.T0_MS + SHORT_LIVED_STEP.toMillis() * (i + 1), "short-lived " + i);
        } else if (r < 19) {
            return new RevokeCertificate(BigInteger.valueOf(1 + rnd.nextInt(1000)), CertificateKind.PROBE,
                    now - 60_000 + rnd.nextInt(600_000), "");
        }
        return new RevokeCertificate(RevocationTest.serialOf(gatewayCCertificate), CertificateKind.GATEWAY,
                TestKeys.VALID_UNTIL.toEpochMilli(), "gateway c");
    }

    private Unsubscribe unsubscribe() {
        String tag = existingOrAnyTag(0.85);
        List<String> subscribed = model.channel(tag).map(ChannelView::subscribers).orElse(List.of());
        String subscriber = !subscribed.isEmpty() && rnd.nextInt(10) < 6
                ? subscribed.get(rnd.nextInt(subscribed.size())) : subscriber();
        return new Unsubscribe(tag, subscriber);
    }

    private String subscriber() {
        return rnd.nextInt(20) == 0 ? "not valid" : pick(SUBSCRIBERS);
    }

    private Publish publish(boolean orderedPath) {
        String tag = channelForPublish(orderedPath);
        int r = rnd.nextInt(100);
        int size;
        if (r < 1) {
            size = 0;
        } else if (r < 56) {
            size = 1;
        } else if (r < 91) {
            size = 2 + rnd.nextInt(3);
        } else if (r < 97) {
            size = 5 + rnd.nextInt(2);
        } else {
            size = CONFIG.maxBatchEvents() + 1 + rnd.nextInt(2);
        }
        List<byte[]> events = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            events.add(event(tag, events));
        }
        return new Publish(tag, events);
    }

    private String channelForPublish(boolean orderedPath) {
        List<ChannelView> channels = model.channels();
        if (channels.isEmpty() || rnd.nextInt(100) < 8) {
            return pick(TAGS);
        }
        List<ChannelView> fitting = channels.stream().filter(c -> c.channelClass().ordered() == orderedPath).toList();
        List<ChannelView> from = fitting.isEmpty() || rnd.nextInt(100) < 7 ? channels : fitting;
        return from.get(rnd.nextInt(from.size())).tag();
    }

    /** One event for {@code tag}: mostly valid, otherwise one of the ways an event goes wrong. */
    private byte[] event(String tag, List<byte[]> batchSoFar) {
        SigningProbe probe = probeFor(tag);
        // events of unregistered probes are refused before their signature is looked at: sign few of them
        boolean sign = model.registeredKey(tag, probe.probeId).isPresent() || rnd.nextInt(5) == 0;
        int r = rnd.nextInt(100);
        if (r < 60) {
            long seq = nextSeq(probe, tag);
            return remember(tag, EventJson.toBytes(sign ? signed(probe, probe, tag, seq) : probe.unsigned(tag, seq)));
        } else if (r < 68) {
            return remember(tag, probe.unsignedBytes(tag, nextSeq(probe, tag)));
        } else if (r < 73) {
            List<byte[]> old = recent.getOrDefault(tag, List.of());
            return old.isEmpty() ? probe.unsignedBytes(tag, nextSeq(probe, tag)) : old.get(rnd.nextInt(old.size()));
        } else if (r < 77) {
            return EventJson.toBytes(SigningProbe.tampered(signed(probe, probe, tag, nextSeq(probe, tag))));
        } else if (r < 80) {
            SigningProbe forger = keys.pool.get(rnd.nextInt(4)).keyB;
            return EventJson.toBytes(signed(forger, probe, tag, nextSeq(probe, tag)));
        } else if (r < 82) {
            return EventJson.toBytes(SigningProbe.relabelled(signed(probe, probe, tag, nextSeq(probe, tag)),
                    rnd.nextBoolean() ? "HS256" : "ES256"));
        } else if (r < 85) {
            String other = pick(TAGS);
            long seq = nextSeq(probe, other);
            return EventJson.toBytes(sign ? signed(probe, probe, other, seq) : probe.unsigned(other, seq));
        } else if (r < 89) {
            return malformedEvent(probe, tag);
        } else if (r < 91) {
            return probe.paddedBytes(tag, nextSeq(probe, tag), CONFIG.maxEventBytes() + 200);
        } else if (r < 95) {
            SigningProbe ghost = keys.ghosts.get(rnd.nextInt(keys.ghosts.size()));
            long seq = nextSeq(ghost, tag);
            return EventJson.toBytes(rnd.nextInt(4) == 0 ? signed(ghost, ghost, tag, seq) : ghost.unsigned(tag, seq));
        } else if (r < 97 && !batchSoFar.isEmpty()) {
            return batchSoFar.get(batchSoFar.size() - 1);
        } else {
            // a SEQ from the past that was never sent: refused on ordered channels, accepted late on unordered ones
            long seq = Math.max(1, seqs.getOrDefault(probe.probeId + "|" + tag, 1L) - 1 - rnd.nextInt(3));
            return EventJson.toBytes(signed(probe, probe, tag, seq));
        }
    }

    /**
     * {@code claimed}'s event for (tag, seq), signed with {@code signer}'s key. Signing dominates
     * the cost of the stream, and every seed asks for largely the same events, so signed events
     * are cached (Ed25519 and RSA signatures are deterministic anyway).
     */
    private static Event signed(SigningProbe signer, SigningProbe claimed, String tag, long seq) {
        return SIGNED.computeIfAbsent(signer.keyName + "|" + claimed.probeId + "|" + tag + "|" + seq,
                k -> signer.sign(claimed.unsigned(tag, seq)));
    }

    private PoolProbe poolProbe() {
        int r = rnd.nextInt(100);
        // the ES256 and RS256 probes are slow to verify or sign: keep them in the mix, sparingly
        return r < 4 ? keys.pool.get(4) : r < 7 ? keys.pool.get(5) : keys.pool.get(rnd.nextInt(4));
    }

    /** A registered probe of the channel with its current key when there is one, else any pool probe. */
    private SigningProbe probeFor(String tag) {
        List<String> registered = model.channel(tag).map(ChannelView::probes).orElse(List.of());
        if (!registered.isEmpty() && rnd.nextInt(100) < 85) {
            String probeId = registered.get(rnd.nextInt(registered.size()));
            VerificationKey key = model.registeredKey(tag, probeId).orElseThrow();
            SigningProbe signer = keys.bySpki.get(Base64.getEncoder().encodeToString(key.spki()));
            if (signer != null) {
                return signer;
            }
        }
        PoolProbe any = poolProbe();
        return rnd.nextInt(5) == 0 ? any.keyB : any.keyA;
    }

    private long nextSeq(SigningProbe probe, String tag) {
        String key = probe.probeId + "|" + tag;
        long seq = seqs.getOrDefault(key, 0L) + 1;
        seqs.put(key, seq);
        return seq;
    }

    private byte[] remember(String tag, byte[] event) {
        List<byte[]> list = recent.computeIfAbsent(tag, t -> new ArrayList<>());
        if (list.size() >= 16) {
            list.remove(rnd.nextInt(list.size()));
        }
        list.add(event);
        return event;
    }

    private byte[] malformedEvent(SigningProbe probe, String tag) {
        String head = "{\"probeId\":\"" + probe.probeId + "\",\"tag\":\"" + tag + "\",\"seq\":" + (1 + rnd.nextInt(1000));
        String[] bad = {
                "",
                "{",
                "null",
                "[]",
                head + "}",
                head + ",\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{\"x\":1e400}}",
                head + ",\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{\"x\":1" + "0".repeat(330) + "}}",
                head + ",\"ts\":\"not a time\",\"data\":{}}",
                head + ",\"ts\":\"2026-06-01T00:00:00Z\",\"data\":[]}",
                head + ",\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{},\"" + "m".repeat(1000) + "\":1}",
                head + ",\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{},\"sig\":{\"alg\":\"Ed25519\",\"value\":\"%%\"}}",
                head + ",\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{},\"sig\":\"x\"}",
                head + ",\"seq\":2,\"ts\":\"2026-06-01T00:00:00Z\",\"data\":{}}",
        };
        String json = bad[rnd.nextInt(bad.length)];
        return rnd.nextInt(10) == 0 ? garbageBytes(rnd.nextInt(40)) : json.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] garbageCommand() {
        int r = rnd.nextInt(6);
        BrokerCommand some = rnd.nextBoolean() ? new Touch(pick(TAGS)) : create();
        byte[] valid = CommandCodec.encode(some);
        return switch (r) {
            case 0 -> garbageBytes(rnd.nextInt(32));
            case 1 -> java.util.Arrays.copyOf(valid, rnd.nextInt(valid.length));
            case 2 -> java.util.Arrays.copyOf(valid, valid.length + 1 + rnd.nextInt(3));
            case 3 -> new WireWriter().writeByte(CommandCodec.MAGIC).writeByte(2 + rnd.nextInt(5)).writeByte(8).toByteArray();
            case 4 -> new WireWriter().writeByte(CommandCodec.MAGIC).writeByte(CommandCodec.VERSION)
                    .writeByte(9 + rnd.nextInt(200)).toByteArray();
            default -> new WireWriter().writeByte(CommandCodec.MAGIC).writeByte(CommandCodec.VERSION).writeByte(1)
                    .writeString(pick(TAGS)).writeString("GOSSIP").writeLong(0).writeInt(1).writeInt(1).writeInt(1)
                    .writeLong(2048).toByteArray();
        };
    }

    private byte[] garbageBytes(int length) {
        byte[] bytes = new byte[length];
        rnd.nextBytes(bytes);
        return bytes;
    }

    private String existingOrAnyTag(double existingShare) {
        List<ChannelView> channels = model.channels();
        if (!channels.isEmpty() && rnd.nextDouble() < existingShare) {
            return channels.get(rnd.nextInt(channels.size())).tag();
        }
        return pick(TAGS);
    }

    private String pick(String[] values) {
        return values[rnd.nextInt(values.length)];
    }
}
