package kola.kernel;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import kola.abi.Fpage;
import kola.abi.ThreadId;
import kola.machine.PhysicalMemory;
import kola.machine.Sv39;
import kola.machine.Tlb;

/**
 * The kernel's invariants, checked from outside the operations that keep them (DESIGN.md,
 * "Conventions"; seL4 proves such invariants, Kola checks them). {@link #check} returns every
 * violation it finds, each naming the invariant and the object; an empty list means all hold:
 *
 * <ul>
 * <li>mapping database ↔ page tables: every node has the page-table entry (space, page) → its
 * frame with its rights, and every user page-table leaf has its node (the KIP page excepted);</li>
 * <li>every node's rights lie within its parent's, on the same frame, and it is in its parent's
 * child list; roots are the registered roots of their frames;</li>
 * <li>TLB: every cached translation is backed by a node with that frame and at least those rights;</li>
 * <li>threads: the current thread is runnable and unqueued, every queued thread runnable, every
 * sender in its partner's send queue and every queued sender sending to that partner, no
 * deleted thread reachable from a queue;</li>
 * <li>kernel memory: what the owners were charged adds up to what the model handed out; under
 * precise and lend, no page-table entry or TLB entry maps a frame the kernel was given, every
 * object lives in the frame it names and that frame lists it, a frame's bytes are its objects',
 * and a precise frame is still held by the mapping it was given through (revocation left no
 * object behind).</li>
 * <li>scheduling contexts: 1 to {@link SchedContext#MAX_REFILLS} refills, each positive, in
 * order of time, adding up to the budget; budget within the period; depleted exactly when no
 * refill is available (as of the last charge) and then a refill wake-up is due; home and holder
 * agree with the threads' {@code homeSc} and {@code sc}, a lent context's holder reached from its
 * home along the lenders' {@code lentTo}; each space charged for the contexts it made; the
 * current thread is of the active domain.</li>
 * <li>no deleted object is still referenced: the current thread, every member of a ready queue,
 * of a send queue and of the timeout queue is a live thread of the thread table; every child of a
 * mapping node is in the database; the database holds no node outside the spaces' indexes; each
 * space's thread counts match the threads that live in it, and its local ids are exactly its
 * activated threads' UTCB locations, each naming its thread;</li>
 * <li>KIP: the processor descriptor's InternalFreq is the clock's rate, its ExternalFreq the time base;</li>
 * <li>thread start: a thread awaiting its start message is inactive, activated and never started;</li>
 * <li>IPC partners agree on who waits for whom: send queues are well linked (head, tail, both
 * directions); a receiving thread does not wait while a sender it accepts sits in its send queue,
 * and a closed receive names a thread that exists; only a thread blocked in IPC has a timeout.</li>
 * </ul>
 */
final class Invariants {
    private Invariants() {
    }

    static List<String> check(Kernel k) {
        List<String> v = new ArrayList<>();
        Map<MapNode, Boolean> seen = new IdentityHashMap<>();
        long total = 0;
        for (Space s : k.lifecycle.spaces()) {
            total += s.kernelBytesTotal();
            checkSpaceNodes(k, s, seen, v);
            checkPageTable(k, s, v);
        }
        checkTlb(k, v);
        checkThreads(k, v);
        checkReferences(k, v);
        checkCapabilities(k, v);
        checkHoldings(k, v);
        if (k.frames != null) {
            checkKernelFrames(k, v);
        }
        checkSchedContexts(k, v);
        checkProcessorDescriptor(k, v);
        long charged = total + k.kmem.kernelOwned() + k.lifecycle.deletedSpaceCharges();
        if (charged != k.kmem.used()) {
            v.add("kernel memory: owners were charged " + charged + " bytes but the model handed out " + k.kmem.used());
        }
        return v;
    }

    private static void checkSpaceNodes(Kernel k, Space s, Map<MapNode, Boolean> seen, List<String> v) {
        s.pages.forEach(n -> {
            seen.put(n, Boolean.TRUE);
            if (n.space != s) {
                v.add("mapping " + where(s, n) + ": node belongs to " + n.space);
            }
            long pte = s.pageTable.lookup(n.vpn << PhysicalMemory.PAGE_SHIFT);
            long expected = k.frames != null && k.frames.frame(n.pfn) != null ? 0 // the kernel has the frame
                    : Sv39.withPbmt(Sv39.pte(n.pfn, PageTable.leafFlags(n.rights)), n.attribute);
            boolean evicted = pte == 0 && k.frames != null && k.frames.mode() == KernelFrames.Mode.KPAGER
                    && !s.pageTable.hasLeafTable(n.vpn << PhysicalMemory.PAGE_SHIFT); // (rebuilt on the next fault)
            if ((pte & ~PageTable.ACCESSED) != expected && !evicted) {
                v.add("mapping " + where(s, n) + ": page-table entry 0x" + Long.toHexString(pte) + " should be 0x"
                        + Long.toHexString(expected) + " (A and D aside)");
            }
            if ((pte & Sv39.D) != 0 && (pte & Sv39.A) == 0) {
                v.add("mapping " + where(s, n) + ": page-table entry 0x" + Long.toHexString(pte) + " is dirty but not accessed");
            }
            if ((n.ownStatus & ~Fpage.RWX) != 0 || (n.derivedStatus & ~Fpage.RWX) != 0 || n.walkStatus != 0) {
                v.add("mapping " + where(s, n) + ": status own " + n.ownStatus + ", derived " + n.derivedStatus
                        + ", scratch " + n.walkStatus);
            }
            if (n.vpn < 0 || n.vpn >= 1L << (Fpage.MAX_SIZE_LOG2 - PhysicalMemory.PAGE_SHIFT)) {
                v.add("mapping " + where(s, n) + ": outside the user address space");
            }
            if (n.rights == 0 || (n.rights & ~Fpage.RWX) != 0) {
                v.add("mapping " + where(s, n) + ": rights " + n.rights);
            }
            MapNode p = n.parent;
            if (p == null) {
                if (!k.mdb.isRoot(n)) {
                    v.add("mapping " + where(s, n) + ": has no parent but is not the root of frame 0x" + Long.toHexString(n.pfn));
                }
            } else {
                if ((n.rights & ~p.rights) != 0) {
                    v.add("mapping " + where(s, n) + ": rights " + Fpage.rightsString(n.rights) + " exceed its parent's "
                            + Fpage.rightsString(p.rights));
                }
                if (p.pfn != n.pfn) {
                    v.add("mapping " + where(s, n) + ": frame differs from its parent's");
                }
                if (p.space.dead || p.space.pages.get(p.vpn) != p) {
                    v.add("mapping " + where(s, n) + ": parent is not in the database");
                }
                boolean listed = false;
                for (MapNode c = p.firstChild; c != null; c = c.nextSibling) {
                    listed |= c == n;
                }
                if (!listed) {
                    v.add("mapping " + where(s, n) + ": missing from its parent's children");
                }
            }
        });
    }

    /**
     * Capabilities: each sits in the slot it says, in a live space; a child has its parent's
     * rights at most and is its parent's child; each gate is referred to by as many capabilities
     * as it counts; each space's charges for capabilities, gates and its slot table match what
     * it holds and made.
     */
    private static void checkCapabilities(Kernel k, List<String> v) {
        Map<KObject, int[]> refs = new IdentityHashMap<>();
        Map<Space, long[]> objectBytes = new IdentityHashMap<>();
        long nodes = 0;
        for (Space s : k.lifecycle.spaces()) {
            long held = 0;
            if (s.objects != null) {
                for (int i = 0; i < s.objects.slots.length; i++) {
                    CapNode n = s.objects.slots[i];
                    if (n == null) {
                        continue;
                    }
                    held++;
                    if (n.space != s || n.slot != i) {
                        v.add(s + " slot " + i + ": holds a capability of " + n.space + " slot " + n.slot);
                    }
                    if (n.parent != null && ((n.rights & ~n.parent.rights) != 0 || !n.parent.isAncestorOf(n))) {
                        v.add(s + " slot " + i + ": rights " + n.rights + " exceed its parent's " + n.parent.rights);
                    }
                    if (n.parent != null && (n.parent.space.dead || n.parent.space.objects == null
                            || n.parent.space.objects.slots[n.parent.slot] != n.parent)) {
                        v.add(s + " slot " + i + ": derived from a capability that is gone");
                    }
                    if (n.rights == 0) {
                        v.add(s + " slot " + i + ": a capability without rights");
                    }
                    refs.computeIfAbsent(n.object, g -> new int[1])[0]++;
                }
                if (held != s.objects.used) {
                    v.add(s + ": object space counts " + s.objects.used + " capabilities but holds " + held);
                }
            }
            nodes += held;
            long want = held * CapNode.BYTES;
            if (s.kernelBytes[KernelObject.CAPABILITY.ordinal()] != want) {
                v.add(s + ": charged " + s.kernelBytes[KernelObject.CAPABILITY.ordinal()] + " bytes for capabilities, holds " + want);
            }
            long table = s.objects == null ? 0 : ObjectSpace.BYTES;
            if (s.kernelBytes[KernelObject.OBJECT_SPACE.ordinal()] != table) {
                v.add(s + ": charged " + s.kernelBytes[KernelObject.OBJECT_SPACE.ordinal()] + " bytes for its object space, holds " + table);
            }
        }
        for (Map.Entry<KObject, int[]> e : refs.entrySet()) {
            KObject o = e.getKey();
            if (o.references != e.getValue()[0]) {
                v.add(o.kind + " of " + o.owner + ": counts " + o.references + " references, has " + e.getValue()[0]);
            }
            objectBytes.computeIfAbsent(o.owner, x -> new long[KernelObject.values().length])[o.kind.ordinal()] += o.bytes();
            if (o instanceof Notification n && n.bound != null && (n.bound.boundNotification != n || n.bound.state == Tcb.DEAD)) {
                v.add("a notification of " + n.owner + " is bound to " + n.bound + ", which is not bound to it");
            }
            if (o instanceof WaitQueue q) {
                for (Tcb w = q.waitHead; w != null; w = w.notifyNext) {
                    if (w.waitingOn != q || w.state != Tcb.RECEIVING || !live(k.threads, w)) {
                        v.add("thread " + w + ": queued on a " + q.kind + " it does not wait on");
                    }
                }
            }
            if (o instanceof Endpoint endpoint) {
                checkEndpoint(k.threads, endpoint, v);
            }
        }
        for (Space s : k.lifecycle.spaces()) {
            for (KernelObject kind : new KernelObject[] {KernelObject.GATE, KernelObject.NOTIFICATION, KernelObject.REPLY,
                    KernelObject.ENDPOINT}) {
                long want = objectBytes.containsKey(s) ? objectBytes.get(s)[kind.ordinal()] : 0;
                if (s.kernelBytes[kind.ordinal()] != want) {
                    v.add(s + ": charged " + s.kernelBytes[kind.ordinal()] + " bytes for " + kind + ", made " + want + " that live");
                }
            }
        }
        if (nodes != k.caps.nodeCount() || refs.size() != k.caps.objectCount()) {
            v.add("capabilities: the kernel counts " + k.caps.nodeCount() + " and " + k.caps.objectCount()
                    + " objects; the object spaces hold " + nodes + " and " + refs.size());
        }
    }

    /**
     * Each space holds (for the quota model) exactly what is charged to it and to the spaces it
     * created, transitively, deleted ones included; under the quota model no quota is exceeded.
     */
    private static void checkHoldings(Kernel k, List<String> v) {
        Map<Space, long[]> want = new IdentityHashMap<>();
        List<Space> all = new ArrayList<>(k.lifecycle.spaces());
        all.addAll(k.lifecycle.retiredSpaces());
        for (Space x : all) {
            long bytes = x.kernelBytesTotal();
            for (Space s = x; s != null; s = s.owner) {
                want.computeIfAbsent(s, y -> new long[1])[0] += bytes;
            }
        }
        for (Space s : k.lifecycle.spaces()) {
            long w = want.containsKey(s) ? want.get(s)[0] : 0;
            if (s.subtreeBytes != w) {
                v.add(s + ": holds " + s.subtreeBytes + " bytes with the spaces it made, but they are charged " + w);
            }
            if (k.kmem instanceof Quotas && s.quota >= 0 && s.subtreeBytes > s.quota) {
                v.add(s + ": holds " + s.subtreeBytes + " bytes, over its quota of " + s.quota);
            }
        }
    }

    /** Names a mapping in a violation (made only when there is one: the check runs after every kernel entry). */
    private static String where(Space s, MapNode n) {
        return s + " page 0x" + Long.toHexString(n.vpn << PhysicalMemory.PAGE_SHIFT);
    }

    /** No deleted thread, node or space is still reachable from a live object (issue #6). */
    private static void checkReferences(Kernel k, List<String> v) {
        ThreadTable threads = k.threads;
        Tcb current = k.cpu.current;
        if (current != null && !live(threads, current)) {
            v.add("thread " + current + ": current but deleted");
        }
        long withTimeout = 0;
        Map<Space, int[]> counts = new IdentityHashMap<>();
        List<Space> inhabited = new ArrayList<>();
        Map<Tcb, Boolean> ringsSeen = new IdentityHashMap<>();
        for (long no = 0, end = threads.scanLimit(); no < end; no++) {
            Tcb t = threads.byNumber(no);
            if (t == null) {
                continue;
            }
            if (t.state == Tcb.DEAD) {
                v.add("thread " + t + ": dead but in the thread table");
            }
            if (t.timeoutIndex >= 0) {
                withTimeout++;
            }
            if (t.queued && ringsSeen.put(t, Boolean.TRUE) == null) {
                int steps = 0;
                for (Tcb q = t.readyNext; q != t && steps <= threads.count(); q = q.readyNext, steps++) {
                    if (q == null || !live(threads, q)) {
                        v.add("thread " + t + ": its ready queue holds " + (q == null ? "a broken link" : "deleted thread " + q));
                        break;
                    }
                    if (!q.queued || q.priority != t.priority) {
                        v.add("thread " + t + ": its ready queue (priority " + t.priority + ") holds " + q
                                + (q.queued ? " of priority " + q.priority : ", which is not queued"));
                        break;
                    }
                    ringsSeen.put(q, Boolean.TRUE);
                }
                if (steps > threads.count()) {
                    v.add("thread " + t + ": its ready queue does not come back to it");
                }
            }
            checkPartners(k, threads, t, v);
            for (Tcb s = t.sendHead; s != null; s = s.sendNext) {
                if (!live(threads, s)) {
                    v.add("thread " + t + ": its send queue holds deleted thread " + s);
                    break;
                }
            }
            if (t.interruptLine < 0) {
                int[] c = counts.get(t.space);
                if (c == null) {
                    c = new int[2];
                    counts.put(t.space, c);
                    inhabited.add(t.space);
                }
                c[0]++;
                c[1] += t.utcbLocation != -1 ? 1 : 0;
                if (t.utcbLocation != -1 && t.space.localThread(t.utcbLocation) != t) {
                    v.add("thread " + t + ": its local id " + ThreadId.toString(t.utcbLocation)
                            + " does not name it in its space");
                }
                if (t.awaitingStart && (t.state != Tcb.INACTIVE || t.utcbLocation == -1 || !t.neverStarted())) {
                    v.add("thread " + t + ": awaits its start message but is " + Kernel.stateName(t)
                            + (t.utcbLocation == -1 ? ", without UTCB" : "") + (t.neverStarted() ? "" : ", started before"));
                }
            }
        }
        if (withTimeout != k.cpu.timeouts.size()) {
            v.add("timeouts: " + k.cpu.timeouts.size() + " pending but " + withTimeout + " live threads have one");
        }
        long nodes = 0;
        for (Space s : k.lifecycle.spaces()) {
            nodes += s.pages.size();
            int[] c = counts.getOrDefault(s, new int[2]);
            if (s.threads != c[0] || s.activeThreads != c[1] || s.localIdCount() != c[1]) {
                v.add("space " + s + ": counts " + s.threads + " threads (" + s.activeThreads + " active, "
                        + s.localIdCount() + " local ids) but " + c[0] + " (" + c[1] + " active) live in it");
            }
        }
        for (Space s : inhabited) {
            if (s.dead || !k.lifecycle.spaces().contains(s)) {
                v.add("space " + s + ": threads live in it but it is not a live space");
            }
        }
        if (nodes != k.mdb.nodeCount()) {
            v.add("mapping database: " + k.mdb.nodeCount() + " nodes exist but the spaces hold " + nodes);
        }
        for (Space s : k.lifecycle.spaces()) {
            s.pages.forEach(n -> checkChildren(n, v));
        }
    }

    /** Every child of {@code n} is in the database, points back to it, and the sibling links agree. */
    private static void checkChildren(MapNode n, List<String> v) {
        for (MapNode c = n.firstChild; c != null; c = c.nextSibling) {
            if (c.parent != n || c.space.dead || c.space.pages.get(c.vpn) != c) {
                v.add("mapping " + n.space + " page 0x" + Long.toHexString(n.vpn << PhysicalMemory.PAGE_SHIFT)
                        + ": child in " + c.space + " at 0x" + Long.toHexString(c.vpn << PhysicalMemory.PAGE_SHIFT)
                        + " is not in the database");
                return;
            }
            if (c.nextSibling != null && c.nextSibling.prevSibling != c) {
                v.add("mapping " + n.space + " page 0x" + Long.toHexString(n.vpn << PhysicalMemory.PAGE_SHIFT)
                        + ": broken sibling links");
                return;
            }
        }
    }

    /**
     * An endpoint that capabilities name: not gone; its senders wait on it, linked both ways, each
     * a live thread sending through it (never a transfer that has begun: that one waits in its
     * receiver's own queue); at most one of its two queues holds threads.
     */
    private static void checkEndpoint(ThreadTable threads, Endpoint e, List<String> v) {
        if (e.gone) {
            v.add("an endpoint of " + e.owner + " is gone but capabilities still name it");
        }
        Tcb prev = null;
        int steps = 0;
        for (Tcb s = e.senders.sendHead; s != null && steps <= threads.count(); s = s.sendNext, steps++) {
            if (s.sendPrev != prev || s.partner != e.senders || s.state != Tcb.SENDING || s.inTransfer || !live(threads, s)) {
                v.add("an endpoint of " + e.owner + ": its send queue holds " + s + ", which does not wait on it to send");
                return;
            }
            prev = s;
        }
        if (steps > threads.count()) {
            v.add("an endpoint of " + e.owner + ": its send queue has a cycle");
        } else if (e.senders.sendTail != prev) {
            v.add("an endpoint of " + e.owner + ": send queue tail is " + e.senders.sendTail + " but its last sender is " + prev);
        }
        if (e.senders.sendHead != null && e.waitHead != null) {
            v.add("an endpoint of " + e.owner + ": " + e.waitHead + " waits to receive while " + e.senders.sendHead + " waits to send");
        }
    }

    private static boolean live(ThreadTable threads, Tcb t) {
        return t.state != Tcb.DEAD && threads.byNumber(t.number) == t;
    }

    /** IPC partners agree on who waits for whom (issue #6): {@code t}'s send queue, receive and timeout. */
    private static void checkPartners(Kernel k, ThreadTable threads, Tcb t, List<String> v) {
        Tcb prev = null;
        int steps = 0;
        for (Tcb s = t.sendHead; s != null && steps <= threads.count(); s = s.sendNext, steps++) {
            if (s.sendPrev != prev) {
                v.add("thread " + t + ": send queue links broken at " + s);
                break;
            }
            if (t.state == Tcb.RECEIVING && t.waitingOn == null && (t.waitFrom == ThreadId.ANY || t.waitFrom == s.sendId
                    || t.waitFrom == ThreadId.ANY_LOCAL && s.space == t.space && s.interruptLine < 0)) {
                v.add("thread " + t + ": receives from " + ThreadId.toString(t.waitFrom) + " while " + s
                        + " waits in its send queue");
            }
            prev = s;
        }
        if (steps > threads.count()) {
            v.add("thread " + t + ": its send queue has a cycle");
        } else if (t.sendTail != prev) {
            v.add("thread " + t + ": send queue tail is " + t.sendTail + " but its last sender is " + prev);
        }
        // Under the thread-id models a closed receive names a thread that exists (its deletion
        // releases the receiver); under the object-space models a slot may be unmapped meanwhile.
        boolean known = t.kernelIpc == Tcb.NO_KERNEL_IPC && !(k.comm instanceof ThreadIdModel)
                || threads.lookup(t.waitFrom) != null;
        if (t.state == Tcb.RECEIVING && t.waitFrom != ThreadId.ANY && t.waitFrom != ThreadId.ANY_LOCAL && !known) {
            v.add("thread " + t + ": receives from " + ThreadId.toString(t.waitFrom) + ", which does not exist");
        }
        if (t.timeoutIndex >= 0 && !t.inIpc()) {
            v.add("thread " + t + ": has a timeout but is " + Kernel.stateName(t));
        }
    }

    private static void checkPageTable(Kernel k, Space s, List<String> v) {
        PhysicalMemory phys = k.machine.memory();
        if (!Fpage.isNil(s.kipArea)) {
            long pte = s.pageTable.lookup(Fpage.base(s.kipArea));
            if ((pte & Sv39.V) == 0 || Sv39.pfn(pte) != k.kipFrame) {
                v.add("page table of " + s + ": the KIP is not mapped at its KIP area " + Fpage.toString(s.kipArea));
            }
        }
        walk(phys, s.pageTable.rootPfn, Sv39.LEVELS - 1, 0, (va, pte) -> {
            boolean kernelPage = s.isKernelPage(va, Sv39.pfn(pte), k.kipFrame);
            MapNode n = s.pages.get(va >>> PhysicalMemory.PAGE_SHIFT);
            if (!kernelPage && n == null) {
                v.add("page table of " + s + ": leaf at 0x" + Long.toHexString(va) + " has no mapping node");
            }
        });
    }

    interface LeafVisitor {
        void leaf(long va, long pte);
    }

    /** Visits every valid leaf of the page table rooted at frame {@code table}, by address. */
    static void walk(PhysicalMemory phys, long table, int level, long vaBase, LeafVisitor visitor) {
        byte[] frame = phys.frameArray(table);
        if (frame == null) {
            return; // a frame never written reads as zero: no valid entry
        }
        for (int i = 0; i < Sv39.ENTRIES; i++) {
            long pte = (long) PTE.get(frame, i * Sv39.PTE_SIZE);
            if ((pte & Sv39.V) == 0) {
                continue;
            }
            long va = vaBase | (long) i << (PhysicalMemory.PAGE_SHIFT + 9 * level);
            if (Sv39.isLeaf(pte)) {
                visitor.leaf(va, pte);
            } else if (level > 0) {
                walk(phys, Sv39.pfn(pte), level - 1, va, visitor);
            }
        }
    }

    /** Page-table entries read straight from a frame's backing array (the check reads every entry of every table). */
    private static final java.lang.invoke.VarHandle PTE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static void checkTlb(Kernel k, List<String> v) {
        Map<Integer, Space> byAsid = new java.util.HashMap<>();
        for (Space s : k.lifecycle.spaces()) {
            byAsid.put(s.asid, s);
        }
        k.machine.tlb().forEach((asid, vpn, pfn, rights) -> {
            Space s = byAsid.get(asid);
            if (s == null) {
                v.add("TLB: entry for page 0x" + Long.toHexString(vpn << 12) + " of deleted address space " + asid);
                return;
            }
            long va = vpn << PhysicalMemory.PAGE_SHIFT;
            if (s.isKernelPage(va, pfn, k.kipFrame)) {
                return;
            }
            MapNode n = s.pages.get(vpn);
            int rwx = rights & Fpage.RWX;
            if (k.frames != null && k.frames.frame(pfn) != null) {
                v.add("TLB: entry " + s + " page 0x" + Long.toHexString(va) + " reaches frame 0x" + Long.toHexString(pfn)
                        + ", which the kernel has");
                return;
            }
            if (n == null || n.pfn != pfn || (rwx & ~PageTable.effectiveRights(n.rights)) != 0) {
                v.add("TLB: entry " + s + " page 0x" + Long.toHexString(va) + " -> frame 0x" + Long.toHexString(pfn)
                        + " " + Fpage.rightsString(rwx) + " outlived its mapping");
                return;
            }
            // A cached translation was made from an entry the MMU marked: no access can go unrecorded.
            long pte = s.pageTable.lookup(va);
            if (((rights & Tlb.UNCACHED) != 0) != (Sv39.pbmt(pte) != Sv39.PBMT_PMA)) {
                v.add("TLB: entry " + s + " page 0x" + Long.toHexString(va) + " is " + ((rights & Tlb.UNCACHED) != 0
                        ? "uncached" : "cached") + " but its page-table entry 0x" + Long.toHexString(pte) + " says otherwise");
            }
            long needed = (rwx & Fpage.W) != 0 ? Sv39.A | Sv39.D : Sv39.A;
            if ((pte & needed) != needed) {
                v.add("TLB: entry " + s + " page 0x" + Long.toHexString(va) + " " + Fpage.rightsString(rwx)
                        + " but its page-table entry 0x" + Long.toHexString(pte) + " lacks A" + (needed == Sv39.A ? "" : " or D"));
            }
        });
    }

    /**
     * The KIP's processor descriptor shows the processor as it is: its InternalFreq is the
     * clock's rate (ProcessorControl changes both), its ExternalFreq the fixed time base.
     */
    private static void checkProcessorDescriptor(Kernel k, List<String> v) {
        long at = k.kipFrame * PhysicalMemory.PAGE_SIZE + kola.abi.KipLayout.PROC_DESC;
        long external = k.machine.memory().load64(at);
        long internal = k.machine.memory().load64(at + 8);
        if (internal != k.clock.khz()) {
            v.add("KIP: the processor descriptor's InternalFreq is " + internal + " kHz, but the processor runs at "
                    + k.clock.khz() + " kHz");
        }
        long base = k.kip.cyclesPerMicrosecond() * 1000;
        if (external != base) {
            v.add("KIP: the processor descriptor's ExternalFreq is " + external + " kHz, not the time base's " + base);
        }
    }

    /** The bytes an object carved from a kernel frame is charged at. */
    private static long bytesOf(Object o) {
        return o instanceof Charged c ? c.bytes() : -1;
    }

    private static KernelFrame frameOf(Object o) {
        return o instanceof Charged c ? c.frame() : null;
    }

    /** Whether {@code o} is still a live kernel object (reachable from the kernel's tables). */
    private static boolean live(Kernel k, Object o) {
        return switch (o) {
            case Tcb t -> k.threads.lookup(t.id) == t;
            case Space s -> !s.dead;
            case MapNode n -> !n.space.dead && n.space.pages.get(n.vpn) == n;
            case CapNode c -> !c.space.dead && c.space.objects != null && c.space.objects.slots[c.slot] == c;
            case KObject obj -> obj.references > 0;
            case ObjectSpace os -> !os.space.dead && os.space.objects == os;
            case SchedContext sc -> !sc.deleted;
            default -> false;
        };
    }

    private static void checkKernelFrames(Kernel k, List<String> v) {
        KernelFrames frames = k.frames;
        for (KernelFrame f : frames.frames()) {
            if (frames.frame(f.pfn) != f) {
                v.add(f + ": not indexed by its frame number");
            }
            if (f.dying) {
                v.add(f + ": revoked, but its objects were not destroyed");
            }
            if (f.revocable && (f.node == null || f.node.pfn != f.pfn || f.node.space.dead
                    || f.node.space.pages.get(f.node.vpn) != f.node)) {
                v.add(f + ": the kernel keeps it, but no mapping holds it for the kernel");
            }
            boolean listed = false;
            for (KernelFrame g = f.account.frames; g != null; g = g.next) {
                listed |= g == f;
            }
            if (!listed) {
                v.add(f + ": missing from its account's frames");
            }
            long bytes = f.table != null ? PhysicalMemory.PAGE_SIZE : 0;
            if (f.table != null && (f.count != 0 || f.table.dead)) {
                v.add(f + ": a page-table node of " + f.table + (f.table.dead ? ", which is gone" : " that also holds objects"));
            }
            for (int i = 0; i < f.count; i++) {
                Object o = f.objects[i];
                bytes += bytesOf(o);
                if (frameOf(o) != f) {
                    v.add(f + ": lists " + o + ", which lives in " + frameOf(o));
                }
                if (!live(k, o)) {
                    v.add(f + ": lists " + o + ", which is gone");
                }
                if (f.kind != null && bytesOf(o) >= 0 && kindOf(o) != f.kind) {
                    v.add(f + ": holds " + o + ", not of its kind");
                }
            }
            if (bytes != f.used || f.used > PhysicalMemory.PAGE_SIZE) {
                v.add(f + ": " + f.used + " bytes used, its objects take " + bytes);
            }
        }
        for (long no = 0; no < k.threads.scanLimit(); no++) {
            Tcb t = k.threads.byNumber(no);
            if (t != null && t.interruptLine < 0) { // (interrupt pseudo-threads are the kernel's own, never charged)
                checkPlaced(frames, t, t.frame, v);
            }
        }
        for (Space s : k.lifecycle.spaces()) {
            checkPlaced(frames, s, s.frame, v);
            s.pages.forEach(n -> checkPlaced(frames, n, n.frame, v));
            if (s.objects != null) {
                checkPlaced(frames, s.objects, s.objects.frame, v);
                for (CapNode c : s.objects.slots) {
                    if (c != null) {
                        checkPlaced(frames, c, c.frame, v);
                        checkPlaced(frames, c.object, c.object.frame, v);
                    }
                }
            }
        }
    }

    private static KernelObject kindOf(Object o) {
        return o instanceof Charged c ? c.kind() : null;
    }

    /** A live object names the pool or a frame the kernel has that lists it. */
    private static void checkPlaced(KernelFrames frames, Object o, KernelFrame f, List<String> v) {
        if (f == null) {
            v.add(o + ": lives nowhere in kernel memory");
        } else if (f != KernelFrame.POOL) {
            boolean listed = false;
            for (int i = 0; i < f.count && !listed; i++) {
                listed = f.objects[i] == o;
            }
            if (frames.frame(f.pfn) != f || !listed) {
                v.add(o + ": names " + f + ", which " + (frames.frame(f.pfn) != f ? "the kernel no longer has" : "does not list it"));
            }
        }
    }

    private static void checkSchedContexts(Kernel k, List<String> v) {
        Cpu cpu = k.cpu;
        Map<Space, Long> made = new IdentityHashMap<>();
        long now = k.clock.now();
        for (SchedContext sc : cpu.contexts) {
            if (sc == null) {
                continue;
            }
            made.merge(sc.owner, SchedContext.BYTES, Long::sum);
            if (sc.budget <= 0 || sc.budget > sc.period) {
                v.add(sc + ": budget " + sc.budget + " for period " + sc.period);
            }
            long sum = 0;
            long last = Long.MIN_VALUE;
            if (sc.refills() < 1 || sc.refills() > SchedContext.MAX_REFILLS) {
                v.add(sc + ": " + sc.refills() + " refills");
            }
            for (int i = 0; i < sc.refills(); i++) {
                long amount = sc.refillAmount(i);
                if (amount <= 0 || sc.refillTime(i) < last) {
                    v.add(sc + ": refill " + i + " of " + amount + " cycles at " + sc.refillTime(i) + " (the one before at " + last + ")");
                }
                last = sc.refillTime(i);
                sum += amount;
            }
            if (sum != sc.budget) {
                v.add(sc + ": refills add up to " + sum + ", the budget is " + sc.budget);
            }
            if (sc.depleted && cpu.refillAt > sc.nextRefill()) {
                v.add(sc + ": depleted, but no wake-up is due at its refill " + sc.nextRefill());
            }
            if (!sc.depleted && sc.refills() > 0 && sc.nextRefill() > now && sc.holder == cpu.current && sc.holder != null) {
                v.add(sc + ": its holder runs with no refill available");
            }
            if (sc.home != null && (sc.home.homeSc != sc || sc.home.state == Tcb.DEAD)) {
                v.add(sc + ": bound to " + sc.home + ", which is not bound to it");
            }
            if (sc.holder != null) {
                if (sc.holder.sc != sc) {
                    v.add(sc + ": held by " + sc.holder + ", which runs on " + sc.holder.sc);
                }
                Tcb x = sc.home;
                int steps = 0;
                while (x != null && x != sc.holder && steps++ <= k.threads.count()) {
                    x = x.lentTo;
                }
                if (x != sc.holder) {
                    v.add(sc + ": held by " + sc.holder + ", not reached from its home " + sc.home + " by lending");
                }
            } else if (sc.home != null) {
                v.add(sc + ": bound to " + sc.home + " but held by no one");
            }
        }
        for (Space s : k.lifecycle.spaces()) {
            long want = made.getOrDefault(s, 0L);
            if (s.kernelBytes[KernelObject.SCHED_CONTEXT.ordinal()] != want) {
                v.add(s + ": charged " + s.kernelBytes[KernelObject.SCHED_CONTEXT.ordinal()] + " bytes for scheduling contexts, made " + want);
            }
        }
        ThreadTable threads = k.threads;
        for (long no = 0, end = threads.scanLimit(); no < end; no++) {
            Tcb t = threads.byNumber(no);
            if (t == null) {
                continue;
            }
            if (t.sc != null && t.sc.holder != t || t.homeSc != null && t.homeSc.home != t) {
                v.add("thread " + t + ": runs on " + t.sc + " (held by " + (t.sc == null ? null : t.sc.holder) + "), bound to " + t.homeSc);
            }
            if (t.donor != null && t.donor.lentTo != t || t.lentTo != null && t.lentTo.donor != t) {
                v.add("thread " + t + ": lent to " + t.lentTo + " by " + t.donor + ", and they disagree");
            }
            if (t.sc != null && t.sc.deleted) {
                v.add("thread " + t + ": runs on deleted " + t.sc);
            }
        }
        if (cpu.current != null && cpu.current.domain != cpu.ready.active) {
            v.add("thread " + cpu.current + ": current in domain " + cpu.current.domain + ", domain " + cpu.ready.active + " runs");
        }
    }

    private static void checkThreads(Kernel k, List<String> v) {
        Cpu cpu = k.cpu;
        Tcb current = cpu.current;
        if (current != null && (!current.runnable() || current.queued)) {
            v.add("thread " + current + ": current but " + (current.queued ? "queued" : "not runnable"));
        }
        ThreadTable threads = k.threads;
        for (long no = 0, end = threads.scanLimit(); no < end; no++) {
            Tcb t = threads.byNumber(no);
            if (t == null) {
                continue;
            }
            if (t.queued && !t.runnable()) {
                v.add("thread " + t + ": in a ready queue but " + Kernel.stateName(t));
            }
            if (t.runnable() && !t.queued && t != current) {
                v.add("thread " + t + ": runnable but in no ready queue");
            }
            if (t.state == Tcb.SENDING && t.partner instanceof Endpoint.Senders q) {
                boolean listed = false;
                for (Tcb s = q.sendHead; s != null; s = s.sendNext) {
                    listed |= s == t;
                }
                if (!listed || q.endpoint.gone) {
                    v.add("thread " + t + ": sending to an endpoint " + (q.endpoint.gone ? "that is gone" : "but not in its send queue"));
                }
            } else if (t.state == Tcb.SENDING) {
                Tcb p = (Tcb) t.partner;
                if (p == null || p.state == Tcb.DEAD || threads.lookup(p.id) != p) {
                    v.add("thread " + t + ": sending to a thread that is gone");
                } else {
                    boolean listed = false;
                    for (Tcb s = p.sendHead; s != null; s = s.sendNext) {
                        listed |= s == t;
                    }
                    if (!listed) {
                        v.add("thread " + t + ": sending to " + p + " but not in its send queue");
                    }
                }
            }
            for (Tcb s = t.sendHead; s != null; s = s.sendNext) {
                if (s.state != Tcb.SENDING || s.partner != t) {
                    v.add("thread " + t + ": send queue holds " + s + ", which is not sending to it");
                }
            }
            if (t.space.dead) {
                v.add("thread " + t + ": lives in a deleted space");
            }
        }
    }
}
