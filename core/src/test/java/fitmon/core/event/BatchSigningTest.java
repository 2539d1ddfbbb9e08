package fitmon.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

import fitmon.core.crypto.MessageSigner;
import fitmon.core.crypto.SignatureAlgorithm;
import fitmon.core.crypto.VerificationKey;
import fitmon.core.event.EventSigning.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.ObjectNode;

class BatchSigningTest {

    private static List<Event> events(int n) throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(EventJson.parse("{\"probeId\":\"web-01\",\"tag\":\"host.cpu\",\"seq\":" + (i + 1)
                    + ",\"ts\":\"2026-12-07T12:00:00Z\",\"data\":{\"load1\":" + i + "}}"));
        }
        return events;
    }

    private static List<Event> roundTrip(List<Event> events) throws Exception {
        List<Event> parsed = new ArrayList<>();
        for (Event event : events) {
            parsed.add(EventJson.parse(EventJson.toBytes(event)));
        }
        return parsed;
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void everyEventOfABatchVerifiesOnItsOwnWithOneSignature(SignatureAlgorithm alg) throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(alg);
        List<Event> signed = roundTrip(EventSigning.signBatch(events(7), new MessageSigner(alg, keys.getPrivate())));
        VerificationKey key = VerificationKey.of(keys.getPublic());

        for (int i = 0; i < signed.size(); i++) {
            Event event = signed.get(i);
            assertThat(event.sig().value()).isEqualTo(signed.get(0).sig().value());
            assertThat(event.sig().batch().index()).isEqualTo(i);
            assertThat(event.sig().batch().size()).isEqualTo(7);
            assertThat(EventSigning.verify(event, key)).as("event %d", i).isEqualTo(Verdict.VALID);
        }
        assertThat(signed.get(2).withSignature(null)).isEqualTo(events(7).get(2));
    }

    @Test
    void aChangedEventFailsAloneAndTheOthersStillVerify() throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        List<Event> signed = EventSigning.signBatch(events(5),
                new MessageSigner(SignatureAlgorithm.ED25519, keys.getPrivate()));
        VerificationKey key = VerificationKey.of(keys.getPublic());
        Event original = signed.get(3);
        Event altered = new Event(original.probeId(), original.tag(), original.seq(), original.ts(),
                ((ObjectNode) original.data().deepCopy()).put("load1", 99), original.sig());

        assertThat(EventSigning.verify(altered, key)).isEqualTo(Verdict.INVALID);
        for (int i : new int[] {0, 1, 2, 4}) {
            assertThat(EventSigning.verify(signed.get(i), key)).isEqualTo(Verdict.VALID);
        }
    }

    @Test
    void aProofOnlyServesItsOwnEventAndItsOwnBatch() throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        MessageSigner signer = new MessageSigner(SignatureAlgorithm.ED25519, keys.getPrivate());
        VerificationKey key = VerificationKey.of(keys.getPublic());
        List<Event> signed = EventSigning.signBatch(events(4), signer);
        Event first = signed.get(0);
        Event second = signed.get(1);

        // another event's proof, signature or place
        assertThat(EventSigning.verify(first.withSignature(second.sig()), key)).isEqualTo(Verdict.INVALID);
        BatchProof proof = first.sig().batch();
        assertThat(EventSigning.verify(first.withSignature(new EventSignature(first.sig().alg(), first.sig().value(),
                new BatchProof(4, 1, proof.path()))), key)).isEqualTo(Verdict.INVALID);
        assertThat(EventSigning.verify(first.withSignature(new EventSignature(first.sig().alg(), first.sig().value(),
                new BatchProof(5, 0, proof.path()))), key)).isEqualTo(Verdict.INVALID);
        // the batch signature passed off as a signature of this event alone, and the reverse
        assertThat(EventSigning.verify(first.withSignature(new EventSignature(first.sig().alg(), first.sig().value())),
                key)).isEqualTo(Verdict.INVALID);
        Event single = EventSigning.sign(events(1).get(0), signer);
        assertThat(EventSigning.verify(single.withSignature(new EventSignature(single.sig().alg(), single.sig().value(),
                proof)), key)).isEqualTo(Verdict.INVALID);
        // the same events signed by another key
        VerificationKey otherKey = VerificationKey.of(MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        assertThat(EventSigning.verify(first, otherKey)).isEqualTo(Verdict.INVALID);
    }

    @Test
    void aBatchOfOneIsSignedAsASingleEventAndAnEmptyOneIsRefused() throws Exception {
        MessageSigner signer = new MessageSigner(SignatureAlgorithm.ED25519,
                MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPrivate());
        assertThat(EventSigning.signBatch(events(1), signer).get(0).sig().batch()).isNull();
        assertThatThrownBy(() -> EventSigning.signBatch(List.of(), signer)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCacheChecksABatchSignatureOnceAndStillWalksEveryPath() throws Exception {
        KeyPair keys = MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519);
        MessageSigner signer = new MessageSigner(SignatureAlgorithm.ED25519, keys.getPrivate());
        VerificationKey key = VerificationKey.of(keys.getPublic());
        List<Event> signed = roundTrip(EventSigning.signBatch(events(50), signer));
        BatchVerdictCache cache = new BatchVerdictCache(100);

        for (Event event : signed) {
            assertThat(cache.verify(event, key)).isEqualTo(Verdict.VALID);
        }
        assertThat(cache.signatureChecks()).isEqualTo(1);

        Event original = signed.get(7);
        Event altered = new Event(original.probeId(), original.tag(), original.seq() + 1, original.ts(),
                original.data(), original.sig());
        assertThat(cache.verify(altered, key)).isEqualTo(Verdict.INVALID);
        Event single = EventSigning.sign(events(1).get(0), signer);
        assertThat(cache.verify(single, key)).isEqualTo(Verdict.VALID);
        assertThat(cache.verify(single, key)).isEqualTo(Verdict.VALID);
        assertThat(cache.signatureChecks()).as("single signatures are never remembered").isEqualTo(4);
    }

    @Test
    void theCacheHoldsAtMostItsCapacity() throws Exception {
        MessageSigner signer = new MessageSigner(SignatureAlgorithm.ED25519,
                MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPrivate());
        BatchVerdictCache cache = new BatchVerdictCache(3);
        VerificationKey wrongKey = VerificationKey.of(MessageSigner.generateKeyPair(SignatureAlgorithm.ED25519).getPublic());
        for (int batch = 0; batch < 10; batch++) {
            List<Event> events = new ArrayList<>();
            for (Event event : events(2)) {
                events.add(new Event(event.probeId(), event.tag(), event.seq() + 10L * batch, event.ts(), event.data(), null));
            }
            cache.verify(EventSigning.signBatch(events, signer).get(0), wrongKey);
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.signatureChecks()).isEqualTo(10);
    }
}
