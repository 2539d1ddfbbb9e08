package fitmon.broker.lab;

import fitmon.broker.state.BrokerStateMachine;
import fitmon.broker.state.StateMachineConfig;
import fitmon.core.channel.ChannelClass;
import fitmon.core.command.ChannelRetention;
import fitmon.core.command.CreateChannel;

/**
 * The made-up state a {@link Misbehaviour#FALSE_STATE} replica serves: the agreed checkpoint with
 * one more channel, {@link #TAG}, that no administrator created. A pure function of the checkpoint,
 * so replicas told to lie at the same time serve the same false state and vouch for each other,
 * which is the collusion a peer catching up must not fall for.
 */
final class FalseState {

    /** The channel only the false state holds. */
    static final String TAG = "lab.false-state";

    private FalseState() {
    }

    static byte[] forge(byte[] checkpoint) {
        BrokerStateMachine scratch = new BrokerStateMachine(StateMachineConfig.defaults(null));
        scratch.restore(checkpoint);
        scratch.applyOrdered(new CreateChannel(TAG, ChannelClass.BFT, CreateChannel.DEFAULT_IDLE_TIMEOUT_SECONDS, 16, 16,
                ChannelRetention.DEFAULT), scratch.consensusTimeMillis());
        return scratch.snapshot();
    }
}
