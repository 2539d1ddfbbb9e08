package fitmon.broker.state;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import fitmon.core.channel.ChannelClass;
import fitmon.core.channel.TagSyntax;
import fitmon.core.command.BrokerCommand;
import fitmon.core.command.CommandCodec;
import fitmon.core.command.CommandResult;
import fitmon.core.command.CreateChannel;
import fitmon.core.command.DeleteChannel;
import fitmon.core.command.EventOutcome;
import fitmon.core.command.Publish;
import fitmon.core.command.RegisterProbe;
import fitmon.core.command.RejectReason;
import fitmon.core.command.ResultCodec;
import fitmon.core.command.RevokeCertificate;
import fitmon.core.command.SignedCommand;
import fitmon.core.command.Subscribe;
import fitmon.core.command.Tick;
import fitmon.core.command.Touch;
import fitmon.core.command.Unsubscribe;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.Event;
import fitmon.core.event.EventSigning;
import fitmon.core.event.MalformedEventException;
import fitmon.core.pki.CertificateRejectedException;
import fitmon.core.pki.GatewayCertificateVerifier;
import fitmon.core.pki.ProbeCertificateVerifier;
import fitmon.core.pki.ProbeIdentity;
import fitmon.core.wire.WireFormatException;

/**
 * The broker's deterministic state machine: channels, probe registrations, the subscription
 * table, the per-channel logs and the set of revoked certificates.
 *
 * <p>Given the same ordered commands with the same consensus timestamps, every instance reaches
 * byte-identical state ({@link #digest()}). Nothing here reads a clock, draws randomness, depends
 * on thread timing or iterates an unordered collection. Every refusal is a result, never an
 * exception. Not thread-safe: the replica shell serialises access.
 */
public final class BrokerStateMachine {

    static final long MAX_IDLE_TIMEOUT_SECONDS = 366L * 24 * 3600;
    static final int MAX_LIMIT = 100_000;
    static final long MIN_RETAINED_BYTES = 1024;

    private final StateMachineConfig config;
    private final ProbeCertificateVerifier certificates;
    private final EventVerifier verifier;
    private final GatewayCertificateVerifier gateways;
    private StateListener listener = StateListener.NONE;

    private final TreeMap<String, Channel> channels = new TreeMap<>();
    private final IdleExpiry expiry = new IdleExpiry();
    /** Nonces of signed commands per gateway name: agreed state, in the snapshot. */
    private final TreeMap<String, ReplayWindow> gatewayNonces = new TreeMap<>();
    /** Revoked certificates of the fitmon CA by serial: agreed state, in the snapshot. */
    private final TreeMap<BigInteger, RevokedCertificate> revoked = new TreeMap<>();
    /** Nonces of signed unordered commands: local, like the rest of the unordered path. */
    private final Map<String, ReplayWindow> unorderedGatewayNonces = new HashMap<>();
    private long appliedCommands;
    private long consensusTimeMillis;
    /** Local, not agreed: counts the changes of the agreed state (see {@link #agreedStateVersion()}). */
    private long agreedStateVersion;

    /** Local, unagreed state of unordered channels (see {@link UnorderedChannelLog}). */
    private final Map<String, UnorderedChannelLog> unordered = new HashMap<>();
    /** What the ordered logs hold together (agreed: decided by agreed contents only). */
    private final RetentionBudget orderedRetention;
    /** What this replica's unordered logs hold together (local). */
    private final RetentionBudget unorderedRetention;

    public BrokerStateMachine(StateMachineConfig config) {
        this(config, EventVerifier.DIRECT);
    }

    /** @param verifier checks event signatures; must be a pure function (see {@link EventVerifier}) */
    public BrokerStateMachine(StateMachineConfig config, EventVerifier verifier) {
        this.config = config;
        this.verifier = verifier;
        this.orderedRetention = new RetentionBudget(config.maxTotalRetainedBytes());
        this.unorderedRetention = new RetentionBudget(config.maxTotalRetainedBytes());
        this.gateways = config.caPublicKey() == null ? null : new GatewayCertificateVerifier(config.caPublicKey());
        this.certificates = config.caPublicKey() == null ? null : new ProbeCertificateVerifier(config.caPublicKey());
    }

    public void setListener(StateListener listener) {
        this.listener = listener == null ? StateListener.NONE : listener;
    }

    // ---------------------------------------------------------------- ordered commands

    /** One command as the replica shell sees it: its type (for metrics) and its result. */
    public record Applied(String commandType, CommandResult result) {
    }

    /** Decodes, authenticates, applies and encodes one ordered command. */
    public byte[] applyOrdered(byte[] command, long consensusMillis) {
        return ResultCodec.encode(applyOrderedBytes(command, consensusMillis).result());
    }

    /**
     * Applies the bytes of one ordered command: with signed commands required, a
     * {@link SignedCommand} from a gateway certified by the CA, with a nonce not seen before;
     * otherwise a bare {@link CommandCodec} command. Everything else gets a typed refusal.
     */
    public Applied applyOrderedBytes(byte[] bytes, long consensusMillis) {
        advance(consensusMillis);
        byte[] commandBytes = bytes;
        if (config.requireSignedCommands()) {
            Authenticated authenticated = authenticate(bytes);
            if (authenticated.refusal != null) {
                return new Applied("Unauthenticated", authenticated.refusal);
            }
            String replay = gatewayNonces.computeIfAbsent(authenticated.gateway, g -> new ReplayWindow())
                    .admit(authenticated.signed.nonce(), "nonce of gateway " + authenticated.gateway);
            if (replay != null) {
                return new Applied("Replayed", reject(RejectReason.COMMAND_REPLAYED, replay));
            }
            commandBytes = authenticated.signed.command();
        }
        BrokerCommand decoded;
        try {
            decoded = CommandCodec.decode(commandBytes);
        } catch (WireFormatException e) {
            return new Applied("Malformed", reject(RejectReason.MALFORMED_COMMAND, e.getMessage()));
        }
        return new Applied(decoded.getClass().getSimpleName(), apply(decoded));
    }

    private record Authenticated(SignedCommand signed, String gateway, CommandResult.Rejected refusal) {
        static Authenticated refused(String detail) {
            return new Authenticated(null, null, reject(RejectReason.COMMAND_UNAUTHENTICATED, detail));
        }
    }

    /** Checks a signed command's gateway certificate (at consensus time) and signature. */
    private Authenticated authenticate(byte[] bytes) {
        if (gateways == null) {
            return Authenticated.refused("no fitmon CA key is configured on this broker, so no gateway can be trusted");
        }
        SignedCommand signed;
        try {
            signed = SignedCommand.decode(bytes);
        } catch (WireFormatException e) {
            return Authenticated.refused(e.getMessage());
        }
        GatewayCertificateVerifier.Gateway gateway;
        try {
            gateway = gateways.verify(signed.certificate(), consensusTimeMillis);
        } catch (CertificateRejectedException e) {
            return Authenticated.refused(e.getMessage());
        }
        if (!verifier.verifyCommand(gateway.key(), signed.signingBytes(), signed.signature())) {
            return Authenticated.refused("the signature of gateway " + gateway.name() + " does not verify");
        }
        if (revoked.containsKey(gateway.serial())) {
            return Authenticated.refused("the certificate " + gateway.serial().toString(16) + " of gateway " + gateway.name()
                    + " is revoked");
        }
        return new Authenticated(signed, gateway.name(), null);
    }

    /** Whether only commands signed by a certified gateway are accepted. */
    public boolean requiresSignedCommands() {
        return config.requireSignedCommands();
    }

    /**
     * The key of the gateway a certificate names if the fitmon CA issued it, whatever its validity
     * period; empty otherwise. For work ahead of ordering: safe to call from any thread without
     * holding the state (it reads only the CA key, fixed at construction).
     */
    public Optional<VerificationKey> certifiedGatewayKey(byte[] certificate) {
        if (gateways == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(gateways.certified(certificate).key());
        } catch (CertificateRejectedException e) {
            return Optional.empty();
        }
    }

    /**
     * Applies one totally ordered command at the given consensus time. Channels idle past their
     * timeout at that time are removed first.
     */
    public CommandResult applyOrdered(BrokerCommand command, long consensusMillis) {
        advance(consensusMillis);
        return apply(command);
    }

    private CommandResult apply(BrokerCommand command) {
        if (command instanceof CreateChannel c) {
            return create(c);
        } else if (command instanceof DeleteChannel d) {
            return delete(d);
        } else if (command instanceof RegisterProbe r) {
            return register(r);
        } else if (command instanceof Subscribe s) {
            return subscribe(s);
        } else if (command instanceof Unsubscribe u) {
            return unsubscribe(u);
        } else if (command instanceof Publish p) {
            return publishOrdered(p);
        } else if (command instanceof Touch t) {
            return touch(t);
        } else if (command instanceof Tick) {
            return new CommandResult.Accepted("time is " + consensusTimeMillis);
        } else if (command instanceof RevokeCertificate v) {
            return revoke(v);
        }
        return reject(RejectReason.MALFORMED_COMMAND, "unknown command");
    }

    private void advance(long consensusMillis) {
        appliedCommands++;
        agreedStateVersion++;
        // Consensus timestamps only move forward; a stale leader clock never moves time back.
        consensusTimeMillis = Math.max(consensusTimeMillis, consensusMillis);
        for (String tag : expiry.dueBefore(consensusTimeMillis)) {
            Channel channel = channels.get(tag);
            if (channel != null) {
                remove(channel, RemovalCause.EXPIRED);
            }
        }
    }

    private CommandResult create(CreateChannel c) {
        if (!TagSyntax.isValid(c.tag())) {
            return reject(RejectReason.INVALID_TAG, "tag must be " + TagSyntax.rule());
        }
        if (channels.containsKey(c.tag())) {
            return reject(RejectReason.CHANNEL_EXISTS, "channel " + c.tag() + " already exists");
        }
        String limits = checkLimits(c);
        if (limits != null) {
            return reject(RejectReason.INVALID_LIMITS, limits);
        }
        if (channels.size() >= config.maxChannels()) {
            return reject(RejectReason.CHANNEL_LIMIT_REACHED, "the broker holds its maximum of "
                    + config.maxChannels() + " channels");
        }
        Channel channel = new Channel(c, consensusTimeMillis);
        channels.put(c.tag(), channel);
        expiry.track(channel);
        if (!c.channelClass().ordered()) {
            unordered.put(c.tag(), new UnorderedChannelLog(channel.createdAtMillis));
        }
        return new CommandResult.Accepted("channel " + c.tag() + " created with class " + c.channelClass());
    }

    private String checkLimits(CreateChannel c) {
        if (c.idleTimeoutSeconds() < 0 || c.idleTimeoutSeconds() > MAX_IDLE_TIMEOUT_SECONDS) {
            return "idleTimeoutSeconds must be between 0 (never) and " + MAX_IDLE_TIMEOUT_SECONDS;
        }
        if (c.maxProbes() < 1 || c.maxProbes() > MAX_LIMIT) {
            return "maxProbes must be between 1 and " + MAX_LIMIT;
        }
        if (c.maxSubscribers() < 1 || c.maxSubscribers() > MAX_LIMIT) {
            return "maxSubscribers must be between 1 and " + MAX_LIMIT;
        }
        if (c.retention() == null || c.retention().maxEvents() < 1 || c.retention().maxEvents() > config.maxRetainedEvents()) {
            return "retention.maxEvents must be between 1 and " + config.maxRetainedEvents();
        }
        if (c.retention().maxBytes() < MIN_RETAINED_BYTES || c.retention().maxBytes() > config.maxRetainedBytes()) {
            return "retention.maxBytes must be between " + MIN_RETAINED_BYTES + " and " + config.maxRetainedBytes();
        }
        return null;
    }

    private CommandResult delete(DeleteChannel d) {
        Channel channel = channels.get(d.tag());
        if (channel == null) {
            return notFound(d.tag());
        }
        remove(channel, RemovalCause.DELETED);
        return new CommandResult.Accepted("channel " + d.tag() + " deleted");
    }

    private void remove(Channel channel, RemovalCause cause) {
        expiry.untrack(channel);
        channels.remove(channel.tag());
        unordered.remove(channel.tag());
        orderedRetention.removed(channel.tag());
        unorderedRetention.removed(channel.tag());
        listener.channelRemoved(channel.tag(), cause, List.copyOf(channel.subscribers.keySet()), consensusTimeMillis);
    }

    private CommandResult register(RegisterProbe r) {
        Channel channel = channels.get(r.tag());
        if (channel == null) {
            return notFound(r.tag());
        }
        if (certificates == null) {
            return reject(RejectReason.CERTIFICATE_UNTRUSTED, "no fitmon CA key is configured on this broker");
        }
        ProbeIdentity identity;
        try {
            identity = certificates.verify(r.certificate(), consensusTimeMillis);
        } catch (CertificateRejectedException e) {
            return reject(certificateReason(e.reason()), e.getMessage());
        }
        if (revoked.containsKey(identity.serial())) {
            return reject(RejectReason.CERTIFICATE_REVOKED, "the certificate " + identity.serial().toString(16)
                    + " of probe " + identity.probeId() + " is revoked; enroll again for a new one");
        }
        VerificationKey key;
        try {
            key = VerificationKey.fromSpki(identity.publicKeySpki());
        } catch (GeneralSecurityException e) {
            return reject(RejectReason.CERTIFICATE_UNSUPPORTED, e.getMessage());
        }
        ProbeRegistration previous = channel.probes.get(identity.probeId());
        if (previous == null && channel.probes.size() >= channel.spec.maxProbes()) {
            return reject(RejectReason.PROBE_LIMIT_REACHED, "channel " + r.tag() + " already has its maximum of "
                    + channel.spec.maxProbes() + " probes");
        }
        long lastSeq = previous == null ? 0 : previous.lastSeq;
        channel.probes.put(identity.probeId(),
                new ProbeRegistration(identity.probeId(), key, identity.serial(), identity.notAfterMillis(), lastSeq));
        return new CommandResult.Accepted("probe " + identity.probeId() + (previous == null ? " registered to " : " re-registered to ")
                + r.tag());
    }

    /**
     * Adds a certificate to the revoked set. Whoever may order commands may order this (it only
     * takes rights away). Idempotent. Entries past their certificate's end of validity are pruned
     * first: an expired certificate is refused as expired anyway.
     */
    private CommandResult revoke(RevokeCertificate v) {
        if (v.serial() == null || v.serial().signum() <= 0 || v.kind() == null) {
            return reject(RejectReason.MALFORMED_COMMAND, "a revocation needs a positive serial and a certificate kind");
        }
        String name = v.kind() + " certificate " + v.serialHex();
        if (revoked.containsKey(v.serial())) {
            return new CommandResult.Accepted(name + " was already revoked");
        }
        if (v.notAfterMillis() < consensusTimeMillis) {
            return new CommandResult.Accepted(name + " has expired: it is refused as expired, nothing to revoke");
        }
        revoked.values().removeIf(entry -> entry.notAfterMillis() < consensusTimeMillis);
        if (revoked.size() >= config.maxRevokedCertificates()) {
            return reject(RejectReason.REVOCATION_LIMIT_REACHED, "the broker holds its maximum of "
                    + config.maxRevokedCertificates() + " revoked unexpired certificates");
        }
        revoked.put(v.serial(), new RevokedCertificate(v.serial(), v.kind(), v.notAfterMillis(), consensusTimeMillis,
                v.reason() == null ? "" : v.reason()));
        return new CommandResult.Accepted(name + " revoked");
    }

    private static RejectReason certificateReason(CertificateRejectedException.Reason reason) {
        return switch (reason) {
            case MALFORMED, NO_PROBE_ID -> RejectReason.CERTIFICATE_MALFORMED;
            case UNTRUSTED -> RejectReason.CERTIFICATE_UNTRUSTED;
            case NOT_YET_VALID -> RejectReason.CERTIFICATE_NOT_YET_VALID;
            case EXPIRED -> RejectReason.CERTIFICATE_EXPIRED;
            case UNSUPPORTED_KEY -> RejectReason.CERTIFICATE_UNSUPPORTED;
        };
    }

    private CommandResult subscribe(Subscribe s) {
        Channel channel = channels.get(s.tag());
        if (channel == null) {
            return notFound(s.tag());
        }
        if (!TagSyntax.isValid(s.subscriberId())) {
            return reject(RejectReason.INVALID_SUBSCRIBER, "subscriber id must be " + TagSyntax.rule());
        }
        if (channel.subscribers.containsKey(s.subscriberId())) {
            return reject(RejectReason.ALREADY_SUBSCRIBED, s.subscriberId() + " is already subscribed to " + s.tag());
        }
        if (channel.subscribers.size() >= channel.spec.maxSubscribers()) {
            return reject(RejectReason.SUBSCRIBER_LIMIT_REACHED, "channel " + s.tag() + " already has its maximum of "
                    + channel.spec.maxSubscribers() + " subscribers");
        }
        channel.subscribers.put(s.subscriberId(), SubscriptionStatus.ACTIVE);
        return new CommandResult.Accepted(s.subscriberId() + " subscribed to " + s.tag());
    }

    private CommandResult unsubscribe(Unsubscribe u) {
        Channel channel = channels.get(u.tag());
        if (channel == null) {
            return notFound(u.tag());
        }
        if (channel.subscribers.remove(u.subscriberId()) == null) {
            return reject(RejectReason.NOT_SUBSCRIBED, u.subscriberId() + " is not subscribed to " + u.tag());
        }
        return new CommandResult.Accepted(u.subscriberId() + " unsubscribed from " + u.tag());
    }

    private CommandResult touch(Touch t) {
        Channel channel = channels.get(t.tag());
        if (channel == null) {
            return notFound(t.tag());
        }
        recordActivity(channel);
        return new CommandResult.Accepted("activity recorded on " + t.tag());
    }

    private void recordActivity(Channel channel) {
        expiry.untrack(channel);
        channel.lastActivityMillis = consensusTimeMillis;
        expiry.track(channel);
    }

    private CommandResult publishOrdered(Publish p) {
        Channel channel = channels.get(p.tag());
        if (channel == null) {
            return notFound(p.tag());
        }
        if (!channel.spec.channelClass().ordered()) {
            return reject(RejectReason.WRONG_DELIVERY_PATH, "channel " + p.tag() + " is " + channel.spec.channelClass()
                    + ": its events bypass ordering and must be sent as unordered requests");
        }
        CommandResult batchProblem = checkBatch(p);
        if (batchProblem != null) {
            return batchProblem;
        }
        List<EventOutcome> outcomes = new ArrayList<>(p.events().size());
        boolean appended = false;
        for (byte[] bytes : p.events()) {
            Admission admission = admit(channel, bytes);
            if (admission.refusal != null) {
                outcomes.add(admission.refusal);
                continue;
            }
            if (admission.event().seq() <= admission.probe.lastSeq) {
                outcomes.add(new EventOutcome.Refused(RejectReason.SEQ_NOT_INCREASING, "seq " + admission.event().seq()
                        + " of probe " + admission.probe.probeId + " is not above its last accepted seq " + admission.probe.lastSeq));
                continue;
            }
            admission.probe.lastSeq = admission.event().seq();
            long channelSeq = ++channel.lastChannelSeq;
            // the registration's probeId: one string per probe, not one per retained event
            LoggedEvent logged = new LoggedEvent(channelSeq, consensusTimeMillis, admission.probe.probeId,
                    admission.event().seq(), admission.parsed.envelopeBytes());
            channel.append(logged);
            orderedRetention.changed(channel.tag(), channel.log);
            listener.eventAppended(channel.tag(), channel.spec.channelClass(), logged);
            outcomes.add(new EventOutcome.Appended(channelSeq, consensusTimeMillis));
            appended = true;
        }
        if (appended) {
            recordActivity(channel);
        }
        return new CommandResult.Published(outcomes);
    }

    private CommandResult checkBatch(Publish p) {
        if (p.events().isEmpty()) {
            return reject(RejectReason.MALFORMED_COMMAND, "a publish needs at least one event");
        }
        if (p.events().size() > config.maxBatchEvents()) {
            return reject(RejectReason.BATCH_TOO_LARGE, "a publish carries at most " + config.maxBatchEvents() + " events");
        }
        return null;
    }

    /** The checks every event passes on any path: size, syntax, channel, registration, signature. */
    private Admission admit(Channel channel, byte[] bytes) {
        if (bytes.length > config.maxEventBytes()) {
            return Admission.refused(RejectReason.EVENT_TOO_LARGE, "event of " + bytes.length + " bytes exceeds "
                    + config.maxEventBytes());
        }
        ParsedEvent parsed;
        try {
            parsed = verifier.parse(bytes);
        } catch (MalformedEventException e) {
            return Admission.refused(RejectReason.MALFORMED_EVENT, e.getMessage());
        }
        Event event = parsed.event();
        if (!event.tag().equals(channel.tag())) {
            return Admission.refused(RejectReason.TAG_MISMATCH, "event tag " + event.tag() + " does not match channel "
                    + channel.tag());
        }
        ProbeRegistration probe = channel.probes.get(event.probeId());
        if (probe == null) {
            return Admission.refused(RejectReason.PROBE_NOT_REGISTERED, "probe " + event.probeId()
                    + " is not registered to " + channel.tag());
        }
        if (consensusTimeMillis > probe.notAfterMillis) {
            return Admission.refused(RejectReason.PROBE_CERTIFICATE_EXPIRED, "the certificate of probe "
                    + event.probeId() + " has expired; register again with a new one");
        }
        if (revoked.containsKey(probe.certificateSerial)) {
            return Admission.refused(RejectReason.CERTIFICATE_REVOKED, "the certificate "
                    + probe.certificateSerial.toString(16) + " of probe " + event.probeId()
                    + " is revoked; register again with a new one");
        }
        ChannelClass channelClass = channel.spec.channelClass();
        if (event.sig() == null) {
            if (channelClass.signatureRequired()) {
                return Admission.refused(RejectReason.SIGNATURE_REQUIRED, channelClass + " channels accept signed events only");
            }
        } else {
            EventSigning.Verdict verdict = verifier.verify(parsed, probe.key);
            if (verdict != EventSigning.Verdict.VALID) {
                return Admission.refused(RejectReason.SIGNATURE_INVALID, signatureProblem(verdict, event, probe));
            }
        }
        return new Admission(parsed, probe, null);
    }

    private static String signatureProblem(EventSigning.Verdict verdict, Event event, ProbeRegistration probe) {
        return switch (verdict) {
            case UNKNOWN_ALGORITHM -> "unknown signature algorithm " + event.sig().alg() + " (accepted: Ed25519, ES256, RS256)";
            case WRONG_KEY_TYPE -> "probe " + probe.probeId + " has a " + probe.key.algorithm().envelopeName()
                    + " key, the event is signed with " + event.sig().alg();
            default -> "signature does not verify with the registered key of probe " + probe.probeId;
        };
    }

    private record Admission(ParsedEvent parsed, ProbeRegistration probe, EventOutcome.Refused refusal) {

        Event event() {
            return parsed.event();
        }

        static Admission refused(RejectReason reason, String detail) {
            return new Admission(null, null, new EventOutcome.Refused(reason, detail));
        }
    }

    // ---------------------------------------------------------------- unordered commands

    /** Decodes, authenticates and applies a command that bypassed ordering (publishes to CFT_NO_* channels). */
    public byte[] applyUnordered(byte[] command) {
        return ResultCodec.encode(applyUnorderedBytes(command));
    }

    /** As {@link #applyOrderedBytes}, for the unordered path; nonces are checked in local state. */
    public CommandResult applyUnorderedBytes(byte[] bytes) {
        byte[] commandBytes = bytes;
        if (config.requireSignedCommands()) {
            Authenticated authenticated = authenticate(bytes);
            if (authenticated.refusal != null) {
                return authenticated.refusal;
            }
            String replay = unorderedGatewayNonces.computeIfAbsent(authenticated.gateway, g -> new ReplayWindow())
                    .admit(authenticated.signed.nonce(), "nonce of gateway " + authenticated.gateway);
            if (replay != null) {
                return reject(RejectReason.COMMAND_REPLAYED, replay);
            }
            commandBytes = authenticated.signed.command();
        }
        BrokerCommand decoded;
        try {
            decoded = CommandCodec.decode(commandBytes);
        } catch (WireFormatException e) {
            return reject(RejectReason.MALFORMED_COMMAND, e.getMessage());
        }
        return applyUnordered(decoded);
    }

    /**
     * Accepts events of an unordered channel in this replica's arrival order; each probe's SEQs are
     * checked against a replay window (see {@link UnorderedChannelLog}).
     * Changes only local state: never the agreed tables, snapshot or digest.
     */
    public CommandResult applyUnordered(BrokerCommand command) {
        if (!(command instanceof Publish p)) {
            return reject(RejectReason.WRONG_DELIVERY_PATH, "only publishes to unordered channels may bypass ordering");
        }
        Channel channel = channels.get(p.tag());
        if (channel == null) {
            return notFound(p.tag());
        }
        if (channel.spec.channelClass().ordered()) {
            return reject(RejectReason.WRONG_DELIVERY_PATH, "channel " + p.tag() + " is " + channel.spec.channelClass()
                    + ": its events must be ordered");
        }
        CommandResult batchProblem = checkBatch(p);
        if (batchProblem != null) {
            return batchProblem;
        }
        UnorderedChannelLog local = unordered.computeIfAbsent(p.tag(), t -> new UnorderedChannelLog(channel.createdAtMillis));
        List<EventOutcome> outcomes = new ArrayList<>(p.events().size());
        for (byte[] bytes : p.events()) {
            Admission admission = admit(channel, bytes);
            if (admission.refusal != null) {
                outcomes.add(admission.refusal);
                continue;
            }
            Event event = admission.event();
            String replay = local.admitSeq(event.probeId(), event.seq());
            if (replay != null) {
                outcomes.add(new EventOutcome.Refused(RejectReason.SEQ_NOT_INCREASING, replay));
                continue;
            }
            LoggedEvent logged = new LoggedEvent(++local.lastLocalSeq, consensusTimeMillis, admission.probe.probeId,
                    event.seq(), admission.parsed.envelopeBytes());
            local.log.append(logged, channel.spec.retention().maxEvents(), channel.spec.retention().maxBytes());
            unorderedRetention.changed(channel.tag(), local.log);
            listener.eventAppended(channel.tag(), channel.spec.channelClass(), logged);
            outcomes.add(new EventOutcome.Queued(event.probeId(), event.seq()));
        }
        return new CommandResult.Published(outcomes);
    }

    // ---------------------------------------------------------------- reads

    public List<ChannelView> channels() {
        List<ChannelView> views = new ArrayList<>(channels.size());
        for (Channel channel : channels.values()) {
            views.add(view(channel));
        }
        return views;
    }

    public Optional<ChannelView> channel(String tag) {
        Channel channel = channels.get(tag);
        return channel == null ? Optional.empty() : Optional.of(view(channel));
    }

    /** Retained events with channelSeq >= fromSeq, oldest first; empty if the channel is unknown. */
    public List<LoggedEvent> events(String tag, long fromSeq, int limit) {
        ChannelLog log = logOf(tag);
        return log == null ? List.of() : log.read(fromSeq, limit);
    }

    private ChannelLog logOf(String tag) {
        Channel channel = channels.get(tag);
        if (channel == null) {
            return null;
        }
        if (channel.spec.channelClass().ordered()) {
            return channel.log;
        }
        UnorderedChannelLog local = unordered.get(tag);
        return local == null ? null : local.log;
    }

    private ChannelView view(Channel channel) {
        ChannelLog log = logOf(channel.tag());
        long lastSeq = channel.spec.channelClass().ordered() ? channel.lastChannelSeq
                : unordered.getOrDefault(channel.tag(), new UnorderedChannelLog(channel.createdAtMillis)).lastLocalSeq;
        CreateChannel spec = channel.spec;
        return new ChannelView(spec.tag(), spec.channelClass(), spec.idleTimeoutSeconds(), spec.maxProbes(),
                spec.maxSubscribers(), spec.retention(), channel.createdAtMillis, channel.lastActivityMillis, lastSeq,
                log.firstSeq(), log.size(), log.bytes(), List.copyOf(channel.probes.keySet()),
                List.copyOf(channel.subscribers.keySet()), channel.probes.values().stream().map(p -> new ProbeKeyView(
                        p.probeId, p.key.algorithm().envelopeName(), Base64.getEncoder().encodeToString(p.key.spki()),
                        p.certificateSerial.toString(), p.notAfterMillis, revoked.containsKey(p.certificateSerial))).toList());
    }

    /** The revoked set, by serial. */
    /** Whether the agreed state holds this certificate serial (probe or gateway) as revoked. */
    public boolean isRevoked(BigInteger serial) {
        return revoked.containsKey(serial);
    }

    public List<RevokedCertificateView> revokedCertificates() {
        return revoked.values().stream().map(r -> new RevokedCertificateView(r.serial().toString(16), r.kind().name(),
                r.notAfterMillis(), r.revokedAtMillis(), r.reason())).toList();
    }

    /** The key registered for a probe on a channel, if any (for verifying ahead of ordering). */
    public Optional<VerificationKey> registeredKey(String tag, String probeId) {
        Channel channel = channels.get(tag);
        ProbeRegistration probe = channel == null ? null : channel.probes.get(probeId);
        return probe == null ? Optional.empty() : Optional.of(probe.key);
    }

    /** Ordered commands applied so far (including refused ones). */
    public long appliedCommands() {
        return appliedCommands;
    }

    public long consensusTimeMillis() {
        return consensusTimeMillis;
    }

    /**
     * Grows with every change of the agreed state (each ordered command, refused ones included,
     * and each restore) and with nothing else: while it stays the same, so do {@link #snapshot()}
     * and {@link #digest()}. A local counter for caches of the digest, not itself agreed state:
     * replicas that restored differently count differently.
     */
    public long agreedStateVersion() {
        return agreedStateVersion;
    }

    // ---------------------------------------------------------------- snapshot and digest

    /** The whole agreed state in a canonical binary encoding. */
    public byte[] snapshot() {
        return StateSnapshotCodec.write(appliedCommands, consensusTimeMillis, channels.values(), gatewayNonces, revoked);
    }

    /** Replaces the agreed state by a snapshot; unordered local logs of vanished channels are dropped. */
    public void restore(byte[] snapshot) {
        StateSnapshotCodec.Image image = StateSnapshotCodec.read(snapshot);
        agreedStateVersion++;
        channels.clear();
        expiry.clear();
        for (Channel channel : image.channels()) {
            channels.put(channel.tag(), channel);
            expiry.track(channel);
        }
        appliedCommands = image.appliedCommands();
        gatewayNonces.clear();
        gatewayNonces.putAll(image.gatewayNonces());
        revoked.clear();
        revoked.putAll(image.revoked());
        consensusTimeMillis = image.consensusTimeMillis();
        // Keep local logs only for channels that survived: same TAG and same creation, unordered.
        unordered.entrySet().removeIf(entry -> {
            Channel channel = channels.get(entry.getKey());
            return channel == null || channel.spec.channelClass().ordered()
                    || channel.createdAtMillis != entry.getValue().channelCreatedAtMillis;
        });
        for (Channel channel : channels.values()) {
            if (!channel.spec.channelClass().ordered()) {
                unordered.computeIfAbsent(channel.tag(), t -> new UnorderedChannelLog(channel.createdAtMillis));
            }
        }
        orderedRetention.clear();
        unorderedRetention.clear();
        for (Channel channel : channels.values()) {
            if (channel.spec.channelClass().ordered()) {
                orderedRetention.changed(channel.tag(), channel.log);
            } else {
                unorderedRetention.changed(channel.tag(), unordered.get(channel.tag()).log);
            }
        }
    }

    /** Envelope bytes the ordered logs hold together, and the budget they share. */
    public long orderedRetainedBytes() {
        return orderedRetention.totalBytes();
    }

    /** The budget of the ordered logs together (and again of the unordered ones). */
    public long maxTotalRetainedBytes() {
        return config.maxTotalRetainedBytes();
    }

    /** Envelope bytes this replica's unordered logs hold together. */
    public long unorderedRetainedBytes() {
        return unorderedRetention.totalBytes();
    }

    /** Events dropped by either retention budget since this replica started. */
    public long eventsDroppedByRetentionBudget() {
        return orderedRetention.droppedEvents() + unorderedRetention.droppedEvents();
    }

    /** SHA-256 of the canonical snapshot: equal on every correct replica after the same commands. */
    public byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(snapshot());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static CommandResult.Rejected reject(RejectReason reason, String detail) {
        return new CommandResult.Rejected(reason, detail);
    }

    private static CommandResult.Rejected notFound(String tag) {
        return reject(RejectReason.CHANNEL_NOT_FOUND, "no channel " + tag);
    }
}
