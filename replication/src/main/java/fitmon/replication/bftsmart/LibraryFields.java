package fitmon.replication.bftsmart;

import java.lang.reflect.Field;
import java.util.Map;

import bftsmart.clientsmanagement.ClientData;
import bftsmart.clientsmanagement.ClientsManager;
import bftsmart.communication.ServerCommunicationSystem;
import bftsmart.communication.server.ServerConnection;

/**
 * The library's private fields that our bounds, guards and metrics read or replace, for lack of
 * accessors (the library is not ours to change). One place names them, so that a library version
 * that renames one fails here, and every caller reports it as "could not bound ...".
 */
final class LibraryFields {

    private LibraryFields() {
    }

    /** A field of {@code type} or one of its superclasses, made accessible. */
    static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /** The communication system's layer of links to the other replicas. */
    static Object serversLayer(ServerCommunicationSystem system) throws ReflectiveOperationException {
        return field(ServerCommunicationSystem.class, "serversConn").get(system);
    }

    /** The links to the other replicas by id: the library's own table, to be copied before iterating. */
    @SuppressWarnings("unchecked")
    static Map<Integer, ServerConnection> peerConnections(ServerCommunicationSystem system) throws ReflectiveOperationException {
        Object servers = serversLayer(system);
        return (Map<Integer, ServerConnection>) field(servers.getClass(), "connections").get(servers);
    }

    /** Each client's data by client id: the library's own table, read under its clients lock. */
    @SuppressWarnings("unchecked")
    static Map<Integer, ClientData> clients(ClientsManager manager) throws ReflectiveOperationException {
        return (Map<Integer, ClientData>) field(ClientsManager.class, "clientsData").get(manager);
    }
}
