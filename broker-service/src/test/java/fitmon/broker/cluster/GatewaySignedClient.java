package fitmon.broker.cluster;

import java.util.concurrent.CompletableFuture;

import fitmon.core.command.CommandSigner;
import fitmon.replication.OrderingClient;

/** Signs every command as a gateway would before handing it to the ordering client. */
final class GatewaySignedClient implements OrderingClient {

    private final OrderingClient delegate;
    private final CommandSigner signer;

    GatewaySignedClient(OrderingClient delegate, CommandSigner signer) {
        this.delegate = delegate;
        this.signer = signer;
    }

    @Override
    public CompletableFuture<byte[]> submitOrdered(byte[] command) {
        return delegate.submitOrdered(signer.sign(command));
    }

    @Override
    public CompletableFuture<byte[]> submitUnordered(byte[] command) {
        return delegate.submitUnordered(signer.sign(command));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
