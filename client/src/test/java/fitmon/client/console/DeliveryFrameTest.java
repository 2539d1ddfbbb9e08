package fitmon.client.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DeliveryFrameTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void keepsTheEnvelopeAsTheExactBytesSentAndReadsWhatTheVoteNeeds() {
        String event = "{\"data\":{\"note\":\"é € 😀\",\"probeId\":\"not-me\",\"seq\":99,\"x\":[1,{\"y\":2}]},"
                + "\"probeId\":\"web-01\",\"seq\":17,\"sig\":{\"alg\":\"Ed25519\",\"value\":\"AA\"},\"tag\":\"host.cpu\","
                + "\"ts\":\"2026-12-07T12:00:00Z\"}";
        String body = "{\"replica\":2,\"tag\":\"host.cpu\",\"channelSeq\":1234,\"class\":\"BFT\","
                + "\"orderedAt\":\"2026-12-07T12:00:01Z\",\"event\":" + event + ",\"later\":{\"a\":[1]}}";

        DeliveryFrame frame = DeliveryFrame.read(JSON, body);

        assertThat(new String(frame.eventJson(), StandardCharsets.UTF_8)).isEqualTo(event);
        assertThat(frame.tag()).isEqualTo("host.cpu");
        assertThat(frame.channelSeq()).isEqualTo(1234);
        assertThat(frame.orderedAt()).isEqualTo("2026-12-07T12:00:01Z");
        assertThat(frame.probeId()).as("the envelope's own, not one inside data").isEqualTo("web-01");
        assertThat(frame.seq()).isEqualTo(17);
    }

    @Test
    void aDeliveryWithoutAnEventObjectIsNoneAndNotJsonIsRefused() {
        assertThat(DeliveryFrame.read(JSON, "{\"tag\":\"t\",\"channelSeq\":1}")).isNull();
        assertThat(DeliveryFrame.read(JSON, "{\"tag\":\"t\",\"event\":\"text\"}")).isNull();
        DeliveryFrame oddTypes = DeliveryFrame.read(JSON, "{\"tag\":5,\"channelSeq\":\"7\",\"event\":{\"probeId\":1,\"seq\":\"2\"}}");
        assertThat(oddTypes.tag()).isEmpty();
        assertThat(oddTypes.channelSeq()).isEqualTo(-1);
        assertThat(oddTypes.probeId()).isNull();
        assertThat(oddTypes.seq()).isEqualTo(-1);
        for (String bad : new String[] {"not json", "[1,2]", "{\"event\":{\"a\":", ""}) {
            assertThatThrownBy(() -> DeliveryFrame.read(JSON, bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
