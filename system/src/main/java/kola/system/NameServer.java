package kola.system;

import java.util.HashMap;
import java.util.Map;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * The name server: tasks register a service under a name ({@link Protocol#NAME_REGISTER}: the
 * caller's thread) and look names up ({@link Protocol#NAME_LOOKUP}). A name is at most
 * {@link Words#MAX_BYTES} bytes of UTF-8; the first registration of a name wins until the same
 * thread registers it again. Garbage gets an error reply; the server never dies of it.
 */
public final class NameServer implements Program {
    private final Map<String, Long> names = new HashMap<>();

    @Override
    public void run(L4 l4) {
        boolean caps = Names.capabilities(l4);
        long from = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                from = l4.waitAny();
                continue;
            }
            long label = MsgTag.label(tag);
            String name = label == Protocol.NAME_REGISTER || label == Protocol.NAME_LOOKUP
                    ? Words.getString(l4, MsgTag.untyped(tag)) : null;
            if (label == Protocol.PING) {
                Drivers.ok(l4);
            } else if (name == null || name.isEmpty()) {
                Drivers.error(l4, label == Protocol.NAME_REGISTER || label == Protocol.NAME_LOOKUP
                        ? Protocol.E_BAD_ARGUMENT : Protocol.E_UNKNOWN_REQUEST);
            } else if (label == Protocol.NAME_REGISTER) {
                Long holder = names.putIfAbsent(name, from);
                if (holder != null && holder != from) {
                    Drivers.error(l4, Protocol.E_DENIED);
                } else {
                    Drivers.ok(l4);
                }
            } else {
                Long id = names.get(name);
                if (id == null) {
                    Drivers.error(l4, Protocol.E_NOT_AVAILABLE);
                } else {
                    l4.setMr(1, id);
                    l4.setMr(0, MsgTag.make(Protocol.OK, 1, 0));
                }
            }
            from = l4.replyWait(caps ? kola.abi.Comm.REPLY : from);
        }
    }

    /** Registers the calling thread as {@code name} with name server {@code names}. */
    public static boolean register(L4 l4, long names, String name) {
        int u = Words.put(l4, name);
        l4.setMr(0, MsgTag.make(Protocol.NAME_REGISTER, u, 0));
        long tag = l4.call(names);
        return !MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.OK;
    }

    /** Looks {@code name} up with name server {@code names}; nil if unknown. */
    public static long lookup(L4 l4, long names, String name) {
        int u = Words.put(l4, name);
        l4.setMr(0, MsgTag.make(Protocol.NAME_LOOKUP, u, 0));
        long tag = l4.call(names);
        return MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK ? 0 : l4.mr(1);
    }
}
