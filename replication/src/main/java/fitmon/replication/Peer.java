package fitmon.replication;

/**
 * One replica of the group.
 *
 * @param port the port clients connect to; replicas talk to each other on {@code port + 1}
 */
public record Peer(int id, String host, int port) {

    /** Parses {@code host:port}. */
    public static Peer parse(int id, String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("peer " + id + ": '" + address + "' is not host:port");
        }
        try {
            return new Peer(id, address.substring(0, colon).trim(), Integer.parseInt(address.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer " + id + ": '" + address + "' has no numeric port");
        }
    }
}
