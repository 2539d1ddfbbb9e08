package fitmon.broker.state;

import static fitmon.broker.state.StateFixture.accepted;
import static fitmon.broker.state.StateFixture.assertRefusedWithoutChange;
import static fitmon.broker.state.StateFixture.at;
import static fitmon.broker.state.StateFixture.channel;
import static fitmon.broker.state.StateFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.RejectReason;
import fitmon.core.command.Subscribe;
import fitmon.core.command.Unsubscribe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Subscribe and Unsubscribe: the replicated subscription table ⟨TAG, subscriber, status⟩. */
class SubscriptionTest {

    private static final String TAG = "host.cpu";

    private final StateMachineConfig config = config();
    private final BrokerStateMachine sm = new BrokerStateMachine(config);

    @BeforeEach
    void createChannel() {
        accepted(sm.applyOrdered(channel(TAG, ChannelClass.CFT_NO_U, 100, 2, ChannelRetention.DEFAULT), at(0)));
    }

    @Test
    void subscribesAndUnsubscribes() {
        accepted(sm.applyOrdered(new Subscribe(TAG, "soc-1"), at(1)));
        accepted(sm.applyOrdered(new Subscribe(TAG, "dash-1"), at(1)));
        assertThat(sm.channel(TAG).orElseThrow().subscribers()).containsExactly("dash-1", "soc-1");

        accepted(sm.applyOrdered(new Unsubscribe(TAG, "soc-1"), at(2)));
        assertThat(sm.channel(TAG).orElseThrow().subscribers()).containsExactly("dash-1");
    }

    @Test
    void refusesAnUnknownChannel() {
        assertRefusedWithoutChange(sm, config, new Subscribe("host.mem", "soc-1"), at(1), RejectReason.CHANNEL_NOT_FOUND);
        assertRefusedWithoutChange(sm, config, new Unsubscribe("host.mem", "soc-1"), at(1), RejectReason.CHANNEL_NOT_FOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soc 1", "-soc", "soc/1"})
    void refusesAnInvalidSubscriberId(String subscriber) {
        assertRefusedWithoutChange(sm, config, new Subscribe(TAG, subscriber), at(1), RejectReason.INVALID_SUBSCRIBER);
    }

    @Test
    void refusesASecondSubscriptionOfTheSameSubscriber() {
        accepted(sm.applyOrdered(new Subscribe(TAG, "soc-1"), at(1)));
        assertRefusedWithoutChange(sm, config, new Subscribe(TAG, "soc-1"), at(2), RejectReason.ALREADY_SUBSCRIBED);
    }

    @Test
    void refusesSubscribersBeyondTheLimitUntilOneLeaves() {
        accepted(sm.applyOrdered(new Subscribe(TAG, "soc-1"), at(1)));
        accepted(sm.applyOrdered(new Subscribe(TAG, "soc-2"), at(1)));

        assertRefusedWithoutChange(sm, config, new Subscribe(TAG, "soc-3"), at(2), RejectReason.SUBSCRIBER_LIMIT_REACHED);
        // an existing subscriber is told it is subscribed, not that the channel is full
        assertRefusedWithoutChange(sm, config, new Subscribe(TAG, "soc-2"), at(2), RejectReason.ALREADY_SUBSCRIBED);

        accepted(sm.applyOrdered(new Unsubscribe(TAG, "soc-1"), at(3)));
        accepted(sm.applyOrdered(new Subscribe(TAG, "soc-3"), at(4)));
        assertThat(sm.channel(TAG).orElseThrow().subscribers()).containsExactly("soc-2", "soc-3");
    }

    @Test
    void refusesToUnsubscribeSomeoneNotSubscribed() {
        assertRefusedWithoutChange(sm, config, new Unsubscribe(TAG, "soc-1"), at(1), RejectReason.NOT_SUBSCRIBED);
        accepted(sm.applyOrdered(new Subscribe(TAG, "soc-1"), at(2)));
        accepted(sm.applyOrdered(new Unsubscribe(TAG, "soc-1"), at(3)));
        assertRefusedWithoutChange(sm, config, new Unsubscribe(TAG, "soc-1"), at(4), RejectReason.NOT_SUBSCRIBED);
        assertRefusedWithoutChange(sm, config, new Unsubscribe(TAG, "not valid"), at(4), RejectReason.NOT_SUBSCRIBED);
    }

    @Test
    void subscriptionsDoNotCountAsActivity() {
        BrokerStateMachine expiring = new BrokerStateMachine(config);
        accepted(expiring.applyOrdered(channel("short", ChannelClass.CFT_O, 10), at(0)));
        accepted(expiring.applyOrdered(new Subscribe("short", "soc-1"), at(9)));
        assertThat(expiring.channel("short").orElseThrow().lastActivityMillis()).isEqualTo(at(0));
        expiring.applyOrdered(new Subscribe("short", "soc-2"), at(10.001));
        assertThat(expiring.channel("short")).isEmpty();
    }
}
