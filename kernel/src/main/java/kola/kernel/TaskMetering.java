package kola.kernel;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a task's verified classes so that their code is metered (see {@link Meter}): every
 * instruction executed is charged once, the meter called before every invoke (but of a pure ABI helper), return and athrow
 * with the instructions executed in the method since its last call, and at a backward branch
 * when those reach the room left before the preemption point (the rule: {@link Blocks}). Every loop has a backward branch, so a task that never calls
 * the kernel still reaches the meter, and the preemption point, each time round.
 */
final class TaskMetering {
    private static final ClassDesc METER = ClassDesc.of(Meter.class.getName());
    private static final MethodTypeDesc CHARGE = MethodTypeDesc.ofDescriptor("(I)V");
    /** The ABI classes whose static methods are pure word arithmetic (see {@code Blocks.pure}). */
    private static final Set<String> PURE_OWNERS = Set.of("kola/abi/MsgTag", "kola/abi/ThreadId", "kola/abi/Fpage",
            "kola/abi/Timeout");
    private static final MethodTypeDesc CHARGE_LOOP = MethodTypeDesc.ofDescriptor("(I)I");
    private static final MethodTypeDesc CHARGE_RETURN = MethodTypeDesc.ofDescriptor("(II)V");
    private static final MethodTypeDesc ENTER = MethodTypeDesc.ofDescriptor("(I)I");

    private TaskMetering() {
    }

    /** The metered class files of {@code own} (by internal name), by binary name. */
    static Map<String, byte[]> meter(Map<String, ClassModel> own) {
        ClassHierarchyResolver ownClasses = desc -> {
            String s = desc.descriptorString();
            ClassModel cm = own.get(s.substring(1, s.length() - 1));
            if (cm == null) {
                return null;
            }
            return cm.flags().has(AccessFlag.INTERFACE) ? ClassHierarchyResolver.ClassHierarchyInfo.ofInterface()
                    : ClassHierarchyResolver.ClassHierarchyInfo.ofClass(cm.superclass().map(ClassEntry::asSymbol).orElse(null));
        };
        ClassHierarchyResolver resolver = ownClasses
                .orElse(ClassHierarchyResolver.defaultResolver())
                .orElse(ClassHierarchyResolver.ofClassLoading(kola.abi.Program.class.getClassLoader()));
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (var e : own.entrySet()) {
            ClassModel cm = e.getValue();
            byte[] bytes = cf.transformClass(cm, (cb, ce) -> {
                if (ce instanceof MethodModel mm && mm.code().isPresent()) {
                    cb.transformMethod(mm, MethodTransform.transformingCode(new Blocks(mm.code().get())));
                } else {
                    cb.with(ce);
                }
            });
            out.put(e.getKey().replace('/', '.'), bytes);
        }
        return out;
    }

    /**
     * The metering of one method's code. Each instruction belongs to one straight-line run: runs
     * end after a branch, switch, invoke, return or athrow, and before a label something jumps to
     * (a branch or switch target, an exception handler). A run's length is added to a local
     * counter of the method (the pending instructions) when its last instruction is reached, or
     * before the label it falls into. At an invoke, a return or an athrow the pending count (that
     * run included) goes to {@link Meter#charge} and the counter is reset; a call of a pure ABI
     * helper ({@link #PURE_OWNERS}) is just one more instruction of the run. At a branch or switch
     * with a backward target the pending count is compared with a second local, the room: the
     * instructions the thread may still run before its preemption point, as the meter said at the
     * last such flush ({@link Meter#chargeLoop}); only when the pending count reaches it is it
     * charged (and the thread preempted if the point is reached) and the room read again. An
     * invoke sets the room to 0 (the callee, a memory access, a system call spend it), so the
     * next backward branch asks the meter. The meter so sees exactly the instructions executed,
     * each before it runs; a thread is preempted at the first invoke, return, athrow or backward
     * branch at or past its preemption point, as every loop in a method has a backward branch; and
     * a loop without calls costs an integer add and compare in locals per round.
     *
     * <p>What is not charged: instructions of a method that an exception leaves, after its last
     * flush point (the exception thrown by an instruction that is no invoke or athrow: a null,
     * bounds, arithmetic or cast check, say). An exception caught in the same method keeps the
     * pending count (locals survive into the handler), so does the caller's: it flushed at the
     * invoke.
     */
    private static final class Blocks implements CodeTransform {
        private final Set<Label> targets = new HashSet<>();
        private final Set<Label> bound = new HashSet<>();
        /** The stack words the method's frame is charged ({@link Meter#enter}), from its class file alone. */
        private final int frameWords;
        private int pending;
        private int room;
        private int run;
        private final Set<Label> handlers = new HashSet<>();
        private int level;

        Blocks(CodeModel code) {
            frameWords = code instanceof java.lang.classfile.attribute.CodeAttribute ca
                    ? ca.maxLocals() + ca.maxStack() + Meter.FRAME_OVERHEAD_WORDS
                    : Meter.FRAME_OVERHEAD_WORDS;
            for (CodeElement e : code) {
                switch (e) {
                    case BranchInstruction br -> targets.add(br.target());
                    case TableSwitchInstruction ts -> {
                        targets.add(ts.defaultTarget());
                        for (SwitchCase c : ts.cases()) {
                            targets.add(c.target());
                        }
                    }
                    case LookupSwitchInstruction ls -> {
                        targets.add(ls.defaultTarget());
                        for (SwitchCase c : ls.cases()) {
                            targets.add(c.target());
                        }
                    }
                    case ExceptionCatch ec -> {
                        targets.add(ec.handler());
                        handlers.add(ec.handler());
                    }
                    default -> { }
                }
            }
        }

        @Override
        public void atStart(CodeBuilder b) {
            pending = b.allocateLocal(TypeKind.INT);
            room = b.allocateLocal(TypeKind.INT);
            b.iconst_0();
            b.istore(pending);
            b.iconst_0();
            b.istore(room);
            // The frame's words go on the thread's metered stack, and the level it reached is kept:
            // a return takes them off, a handler of this method puts the level back (the frames
            // the exception left are gone); an exception no task frame catches ends the thread.
            level = b.allocateLocal(TypeKind.INT);
            b.loadConstant(frameWords);
            b.invokestatic(METER, "enter", ENTER);
            b.istore(level);
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            switch (e) {
                case LabelTarget lt -> {
                    if (targets.contains(lt.label())) {
                        add(b);
                    }
                    bound.add(lt.label());
                }
                case BranchInstruction br -> branch(b, bound.contains(br.target()));
                case TableSwitchInstruction ts -> branch(b, backward(ts.defaultTarget(), ts.cases()));
                case LookupSwitchInstruction ls -> branch(b, backward(ls.defaultTarget(), ls.cases()));
                case InvokeInstruction i when pure(i) -> run++;
                case InvokeInstruction i -> end(b);
                case InvokeDynamicInstruction i -> end(b);
                case ReturnInstruction r -> endReturn(b);
                case ThrowInstruction t -> end(b);
                case Instruction i -> run++;
                default -> { }
            }
            b.with(e);
            if (e instanceof LabelTarget lt && handlers.contains(lt.label())) {
                b.iload(level);
                b.invokestatic(METER, "caught", CHARGE);
            }
        }

        /**
         * A call of a static helper of the ABI's word types (tags, thread ids, fpages, timeouts):
         * a few arithmetic operations that neither trap nor run task code, so the instructions
         * pending need not be charged before it; it counts as one instruction of the run.
         */
        private static boolean pure(InvokeInstruction i) {
            return i.opcode() == java.lang.classfile.Opcode.INVOKESTATIC && PURE_OWNERS.contains(i.owner().asInternalName());
        }

        private boolean backward(Label defaultTarget, java.util.List<SwitchCase> cases) {
            if (bound.contains(defaultTarget)) {
                return true;
            }
            for (SwitchCase c : cases) {
                if (bound.contains(c.target())) {
                    return true;
                }
            }
            return false;
        }

        /** The run ends with the invoke, return or athrow about to be emitted: charge the pending count. */
        private void end(CodeBuilder b) {
            run++;
            b.iload(pending);
            b.loadConstant(run);
            b.iadd();
            b.invokestatic(METER, "charge", CHARGE);
            b.iconst_0();
            b.istore(pending);
            b.iconst_0();
            b.istore(room);
            run = 0;
        }

        /** The run ends with the return about to be emitted: charge the pending count, leave the frame. */
        private void endReturn(CodeBuilder b) {
            run++;
            b.iload(pending);
            b.loadConstant(run);
            b.iadd();
            b.loadConstant(frameWords);
            b.invokestatic(METER, "chargeReturn", CHARGE_RETURN);
            run = 0;
        }

        /** The run ends with the branch or switch about to be emitted; a backward one may charge. */
        private void branch(CodeBuilder b, boolean backward) {
            run++;
            add(b);
            if (backward) {
                Label within = b.newLabel();
                b.iload(pending);
                b.iload(room);
                b.if_icmplt(within);
                b.iload(pending);
                b.invokestatic(METER, "chargeLoop", CHARGE_LOOP);
                b.istore(room);
                b.iconst_0();
                b.istore(pending);
                b.labelBinding(within);
            }
        }

        /** Adds the run so far to the pending count. */
        private void add(CodeBuilder b) {
            if (run == 0) {
                return;
            }
            if (run <= Short.MAX_VALUE) {
                b.iinc(pending, run);
            } else {
                b.iload(pending);
                b.loadConstant(run);
                b.iadd();
                b.istore(pending);
            }
            run = 0;
        }
    }
}
