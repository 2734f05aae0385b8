package kola.kernel;

import kola.abi.Comm;
import kola.abi.Fpage;
import kola.abi.KernelError;

/**
 * The object spaces of all address spaces, and the derivation tree of their capabilities: gates
 * are made into a slot (CommControl GATE), capabilities are mapped and granted by IPC items
 * whose fpage is an object fpage, and unmapped (revoked, with their whole subtree) by Unmap of
 * an object fpage, exactly as memory is. Every object is charged to an account through the
 * kernel-memory seam; a refusal is {@link KernelError#OUT_OF_MEMORY} and changes nothing.
 */
final class CapabilitySpaces {
    private final KernelMemory kmem;
    /** Called when the last capability of a notification or an endpoint goes: the threads queued on it must be released. */
    private final java.util.function.Consumer<WaitQueue> gone;
    /** Capabilities in all object spaces, and the objects they name: for invariant checks. */
    private long nodes;
    private long objects;
    /** The next {@link Derived#serial} of a capability. */
    private long serials = 1;

    CapabilitySpaces(KernelMemory kmem, java.util.function.Consumer<WaitQueue> gone) {
        this.kmem = kmem;
        this.gone = gone;
    }

    long nodeCount() {
        return nodes;
    }

    long objectCount() {
        return objects;
    }

    /** The capability in {@code space}'s slot named by {@code selector}, or null. */
    static CapNode lookup(Space space, long selector) {
        int slot = Comm.slot(selector);
        return slot < 0 || space.objects == null ? null : space.objects.slots[slot];
    }

    private boolean ensureObjects(Space space) {
        if (space.objects == null) {
            KernelFrame f = kmem.charge(space, KernelObject.OBJECT_SPACE, ObjectSpace.BYTES);
            if (f == null) {
                return false;
            }
            space.objects = new ObjectSpace(space);
            space.objects.frame = f;
            f.hold(space.objects);
        }
        return true;
    }

    /** Makes a gate to {@code thread} with {@code label} in {@code space}'s slot; a {@link KernelError} code, or OK. */
    int createGate(Space space, long selector, Tcb thread, long label) {
        if (!validLabel(label)) {
            return KernelError.INVALID_PARAMETER;
        }
        return create(space, selector, new Gate(thread, label, space));
    }

    /** Makes a gate to {@code endpoint} with {@code label} in {@code space}'s slot; a {@link KernelError} code, or OK. */
    int createGate(Space space, long selector, Endpoint endpoint, long label) {
        if (!validLabel(label)) {
            return KernelError.INVALID_PARAMETER;
        }
        return create(space, selector, new Gate(endpoint, label, space));
    }

    /**
     * A label is what a receiver sees as the sender: never nil, -1 (any thread), the reply
     * capability or {@link Comm#NOTIFIED} (an open receive's bound-notification bits), each of
     * which a receiver could not tell from what it stands for.
     */
    private static boolean validLabel(long label) {
        return label != Comm.REPLY && label != Comm.NOTIFIED && label != -1 && label != 0;
    }

    /** Makes an endpoint in {@code space}'s slot; a {@link KernelError} code, or OK. */
    int createEndpoint(Space space, long selector) {
        return create(space, selector, new Endpoint(space));
    }

    /** Moves {@code self}'s reply capability into a new reply object in its space's slot; a {@link KernelError} code, or OK. */
    int saveReply(Tcb self, long selector) {
        Tcb caller = self.replyCaller;
        if (caller == null || caller.replier != self || caller.callSerial != self.replySerial || caller.state != Tcb.RECEIVING) {
            return KernelError.INVALID_PARAMETER;
        }
        int code = create(self.space, selector, new ReplyObject(caller, self, self.replySerial, self.space));
        if (code == KernelError.OK) {
            self.replyCaller = null;
        }
        return code;
    }

    /** Removes a capability and everything derived from it (a reply object, used up). */
    void consume(CapNode cap) {
        removeSubtree(cap);
    }

    /** Makes a notification in {@code space}'s slot; a {@link KernelError} code, or OK. */
    int createNotification(Space space, long selector) {
        return create(space, selector, new Notification(space));
    }

    /** Puts a new object, with all rights, in an empty slot; charges it and the capability, or changes nothing. */
    private int create(Space space, long selector, KObject o) {
        int slot = Comm.slot(selector);
        if (slot < 0 || space.objects != null && space.objects.slots[slot] != null) {
            return KernelError.INVALID_PARAMETER;
        }
        if (!ensureObjects(space)) {
            return KernelError.OUT_OF_MEMORY;
        }
        KernelFrame f = kmem.charge(space, o.kind, o.bytes());
        if (f == null) {
            return KernelError.OUT_OF_MEMORY;
        }
        o.frame = f;
        f.hold(o);
        objects++;
        if (insert(space, slot, o, Fpage.RWX, null) == null) {
            kmem.release(f, space, o.kind, o.bytes(), o);
            objects--;
            return KernelError.OUT_OF_MEMORY;
        }
        return KernelError.OK;
    }

    private CapNode insert(Space space, int slot, KObject g, int rights, CapNode parent) {
        KernelFrame f = ensureObjects(space) ? kmem.charge(space, KernelObject.CAPABILITY, CapNode.BYTES) : null;
        if (f == null) {
            return null;
        }
        CapNode n = new CapNode(space, slot, g, rights);
        n.serial = serials++;
        n.frame = f;
        f.hold(n);
        if (parent != null) {
            parent.addChild(n);
        }
        space.objects.slots[slot] = n;
        space.objects.used++;
        g.references++;
        nodes++;
        return n;
    }

    /**
     * Maps or grants the capabilities of {@code from}'s slots [first, first + count) that carry
     * the grant right into {@code to}'s slots from {@code dest}, with at most {@code rights}; one
     * with no rights in common with {@code rights} is left alone, and so is its destination. An
     * occupied destination slot is first unmapped (its subtree revoked), as a page is replaced.
     * Returns false if kernel memory ran out (capabilities moved so far stay).
     */
    boolean map(Space from, int first, int count, int rights, Space to, int dest, boolean grant) {
        if (from.objects == null) {
            return true;
        }
        for (int i = 0; i < count; i++) {
            CapNode src = from.objects.slots[first + i];
            int target = dest + i;
            if (src == null || (src.rights & Comm.GRANT) == 0 || target <= 0 || target >= Comm.SLOTS
                    || (src.rights & rights & Fpage.RWX) == 0) {
                continue; // (with no rights in common nothing moves, as for memory: a capability has rights)
            }
            CapNode old = to.objects == null ? null : to.objects.slots[target];
            if (old == src) {
                continue;
            }
            if (old != null) {
                if (old.isAncestorOf(src)) {
                    continue; // replacing it would revoke the source itself
                }
                removeSubtree(old);
            }
            if (grant) {
                KernelFrame f = ensureObjects(to) ? kmem.charge(to, KernelObject.CAPABILITY, CapNode.BYTES) : null;
                if (f == null) {
                    return false;
                }
                kmem.release(from, src);
                src.frame = f;
                f.hold(src);
                from.objects.slots[src.slot] = null;
                from.objects.used--;
                src.space = to;
                src.slot = target;
                src.serial = serials++;
                src.rights &= rights | ~Fpage.RWX;
                to.objects.slots[target] = src;
                to.objects.used++;
                int taken = ~src.rights & Fpage.RWX;
                if (src.firstChild != null && taken != 0) {
                    revoke(src, taken, false); // (what derives from it holds at most its rights, as for memory)
                }
            } else if (insert(to, target, src.object, src.rights & rights, src) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Unmap of object fpage slots [first, first + count) of {@code space}: revokes {@code rights}
     * from every capability derived from them, and from the capabilities themselves if
     * {@code flush}. A capability left without rights is removed.
     */
    void unmap(Space space, int first, int count, int rights, boolean flush) {
        if (space.objects == null) {
            return;
        }
        for (int i = 0; i < count; i++) {
            CapNode n = space.objects.slots[first + i];
            if (n != null) {
                revoke(n, rights, flush);
            }
        }
    }

    /**
     * Revokes {@code rights} from {@code top}'s subtree (and from top if {@code withTop}). A child
     * holds at most its parent's rights, so a capability left without rights heads a subtree
     * without rights: that subtree is removed. One walk, no allocation.
     */
    private void revoke(CapNode top, int rights, boolean withTop) {
        top.serial = serials++; // (its exported children are revoked too)
        for (CapNode n = top.firstChild; n != null; n = Derived.nextInSubtree(n, top)) {
            n.rights &= ~rights;
            n.serial = serials++;
        }
        if (withTop) {
            top.rights &= ~rights;
            if (top.rights == 0) {
                removeSubtree(top);
                return;
            }
        }
        CapNode n = top.firstChild;
        while (n != null) {
            if (n.rights == 0) {
                CapNode next = afterSubtree(n, top);
                removeSubtree(n);
                n = next;
            } else {
                n = Derived.nextInSubtree(n, top);
            }
        }
    }

    /** The node after {@code n}'s subtree in a pre-order walk of {@code top}'s, or null. */
    private static CapNode afterSubtree(CapNode n, CapNode top) {
        while (n != top) {
            if (n.nextSibling != null) {
                return n.nextSibling;
            }
            n = n.parent;
        }
        return null;
    }

    /** Removes {@code root} and every capability derived from it, leaves first. */
    void removeSubtree(CapNode root) {
        CapNode n = root;
        while (true) {
            while (n.firstChild != null) {
                n = n.firstChild;
            }
            CapNode parent = n.parent;
            boolean last = n == root;
            remove(n);
            if (last) {
                return;
            }
            n = parent;
        }
    }

    /** Removes a capability that has no children. */
    private void remove(CapNode n) {
        n.unlink();
        n.space.objects.slots[n.slot] = null;
        n.space.objects.used--;
        kmem.release(n.space, n);
        nodes--;
        KObject o = n.object;
        if (--o.references == 0) {
            kmem.release(o.owner, o);
            objects--;
            if (o instanceof Notification note && note.bound != null) {
                note.bound.boundNotification = null;
                note.bound = null;
            }
            if (o instanceof WaitQueue q) {
                gone.accept(q);
            }
        }
    }

    /**
     * Destroys object {@code o}: every capability that names it goes, with what derives from it,
     * in every space of {@code spaces}; the last one releases the object.
     */
    void destroy(KObject o, java.util.List<Space> spaces) {
        for (Space s : spaces) {
            for (int i = 0; s.objects != null && i < s.objects.slots.length && o.references > 0; i++) {
                CapNode n = s.objects.slots[i];
                if (n != null && n.object == o) {
                    removeSubtree(n);
                }
            }
        }
        if (o.references > 0) {
            throw new IllegalStateException(o + " is still named by " + o.references + " capabilities of no live space");
        }
    }

    /**
     * Makes again a capability a kpager's export held (the export is authentic): slot
     * {@code slot} of space {@code s} with {@code rights}, derived from slot {@code parentSlot}
     * of space {@code ps} (null: gone), if that parent is there under the same version with at least
     * those rights, the slot is free and kernel memory suffices.
     */
    boolean restore(Space s, int slot, int rights, Space ps, int parentSlot, long parentSerial) {
        if (s == null || ps == null || ps.objects == null || slot <= 0 || slot >= Comm.SLOTS || parentSlot <= 0
                || parentSlot >= Comm.SLOTS || rights == 0 || s.objects != null && s.objects.slots[slot] != null) {
            return false;
        }
        CapNode p = ps.objects.slots[parentSlot];
        if (p == null || p.serial != parentSerial || (rights & ~p.rights) != 0) {
            return false;
        }
        return insert(s, slot, p.object, rights, p) != null;
    }

    /** Removes every capability of a space that is being deleted, with everything derived from them, and its slot table. */
    void removeAll(Space space) {
        if (space.objects == null) {
            return;
        }
        for (CapNode n : space.objects.slots) {
            if (n != null && n.space == space) {
                removeSubtree(n);
            }
        }
        kmem.release(space, space.objects);
        space.objects = null;
    }
}
